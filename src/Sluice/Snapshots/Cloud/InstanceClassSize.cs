using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Snapshots.Cloud;

/// <summary>
/// Orders instance classes by size, for the cost guard. RDS classes are <c>db.&lt;family&gt;.&lt;size&gt;</c> with sizes
/// micro &lt; small &lt; medium &lt; large &lt; xlarge &lt; 2xlarge &lt; ...; Azure SKUs name their vCores
/// (<c>Standard_B1ms</c> 1, <c>Standard_D4ds_v5</c> 4). Only classes of the same provider are compared.
/// </summary>
public static partial class InstanceClassSize
{
    private static readonly string[] RdsSizes = ["nano", "micro", "small", "medium", "large"];

    /// <summary>The class a copy gets when the definition names none: the smallest burstable one.</summary>
    public static string DefaultCopyClass(CloudProviderKind kind) => kind == CloudProviderKind.Rds ? "db.t4g.micro" : "Standard_B1ms";

    /// <summary>A comparable size, larger for bigger classes; null when <paramref name="instanceClass"/> is not of the provider's shape.</summary>
    public static int? Of(CloudProviderKind kind, string instanceClass)
    {
        if (kind == CloudProviderKind.Rds)
        {
            var rds = RdsClass().Match(instanceClass);
            if (!rds.Success) return null;
            var size = rds.Groups["size"].Value;
            var index = Array.IndexOf(RdsSizes, size);
            if (index >= 0) return index;
            var xlarge = XLarge().Match(size);
            if (!xlarge.Success) return null;
            var times = xlarge.Groups["n"].Value.Length == 0 ? 1 : int.Parse(xlarge.Groups["n"].Value, CultureInfo.InvariantCulture);
            return RdsSizes.Length + times;
        }
        var azure = AzureSku().Match(instanceClass);
        return azure.Success ? int.Parse(azure.Groups["cores"].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^db\.[a-z0-9-]+\.(?<size>[a-z0-9]+)$")]
    private static partial Regex RdsClass();

    [GeneratedRegex(@"^(?<n>[0-9]*)xlarge$")]
    private static partial Regex XLarge();

    [GeneratedRegex(@"^Standard_[A-Z]+(?<cores>[0-9]+)[a-z]*(_v[0-9]+)?$")]
    private static partial Regex AzureSku();
}
