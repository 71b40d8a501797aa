using k8s;
using k8s.Exceptions;
using Sluice.Errors;

namespace Sluice.Kubernetes.Gateway;

/// <summary>
/// How Sluice reaches an API server: a kubeconfig file and context (a CI runner or a laptop), or the pod's service
/// account (a runner inside the cluster). Unusable settings fail with SLU270 before anything is routed.
/// </summary>
public static class KubernetesConnections
{
    /// <summary>The kubeconfig at <paramref name="path"/> (default: <c>$KUBECONFIG</c> or <c>~/.kube/config</c>)
    /// and its <paramref name="context"/> (default: the file's current-context).</summary>
    public static KubernetesClientConfiguration FromKubeconfig(string? path = null, string? context = null)
    {
        var file = path ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(file))
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, $"no kubeconfig at {file}",
                "pass the kubeconfig's path, set KUBECONFIG, or run inside the cluster (in_cluster)", file);
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(file, currentContext: context);
        }
        catch (KubeConfigException e)
        {
            // The exception names contexts and files, never a token; the message is the user's clue.
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid,
                context is null ? $"the kubeconfig cannot be used: {e.Message}" : $"the kubeconfig cannot be used with context '{context}': {e.Message}",
                "check the context's name with `kubectl config get-contexts`", file, inner: e);
        }
    }

    /// <summary>The pod's service account, as a workload running inside the cluster sees it.</summary>
    public static KubernetesClientConfiguration InCluster()
    {
        if (!KubernetesClientConfiguration.IsInCluster())
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid,
                "in_cluster is set but this process is not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST or service-account token)",
                "run the canary from a pod with a service account, or name a kubeconfig and context instead");
        return KubernetesClientConfiguration.InClusterConfig();
    }
}
