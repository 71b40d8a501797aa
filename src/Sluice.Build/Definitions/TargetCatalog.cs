using System.Reflection;

namespace Sluice.Build;

/// <summary>
/// Every target a build offers: properties of type <see cref="Target"/> on the build class (any visibility,
/// inherited included) and default members of the component interfaces it implements. A class member that
/// implements a component's target (explicitly or by name) replaces it, because the interface getter is
/// invoked on the instance and dispatches to the override.
/// </summary>
public sealed class TargetCatalog
{
    private readonly Dictionary<string, BuildTarget> _byName;

    private TargetCatalog(IReadOnlyList<BuildTarget> targets)
    {
        Targets = targets;
        _byName = targets.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Targets in declaration order: the class's own first, then each component's.</summary>
    public IReadOnlyList<BuildTarget> Targets { get; }

    public BuildTarget? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A catalog of targets made without a build class: benchmarks build large graphs this way.</summary>
    internal static TargetCatalog FromTargets(IReadOnlyList<BuildTarget> targets) => new(targets);

    public static TargetCatalog Discover(object build)
    {
        var found = FindTargetProperties(build.GetType());
        var identity = new Dictionary<Target, string>(TargetIdentity.Comparer);
        var definitions = new List<(string Name, Type DeclaredBy, TargetDefinition Definition)>();
        foreach (var (name, declaredBy, getter) in found)
        {
            var target = (Target)getter.Invoke(build, null)!;
            identity.TryAdd(target, name);
            var definition = new TargetDefinition();
            var returned = target(definition);
            if (!ReferenceEquals(returned, definition))
                throw new InvalidOperationException($"Target {name} must return the definition it was given (write `_ => _.Executes(...)`).");
            definitions.Add((name, declaredBy, definition));
        }

        string NameOf(Func<object, Target> reference, string from)
        {
            var target = reference(build);
            return identity.TryGetValue(target, out var name)
                ? name
                : throw new InvalidOperationException($"Target {from} refers to a target that is not a property of the build or of one of its components.");
        }

        var environmentSecrets = ParameterDescriptor.Discover(build.GetType()).Where(p => p.IsSecret && p.ReadByEnvironmentTargets).Select(p => p.Name).ToList();
        var targets = definitions.Select(d => new BuildTarget(d.Name, d.DeclaredBy, d.Definition) { EnvironmentSecrets = environmentSecrets }).ToList();
        var dependsOn = targets.ToDictionary(t => t.Name, _ => new List<string>());
        var after = targets.ToDictionary(t => t.Name, _ => new List<string>());
        var triggers = targets.ToDictionary(t => t.Name, _ => new List<string>());

        foreach (var t in targets)
        {
            var d = t.Definition;
            foreach (var r in d.DependsOnRefs) AddOnce(dependsOn[t.Name], NameOf(r, t.Name));
            foreach (var r in d.DependentForRefs) AddOnce(dependsOn[NameOf(r, t.Name)], t.Name);
            foreach (var r in d.AfterRefs) AddOnce(after[t.Name], NameOf(r, t.Name));
            foreach (var r in d.BeforeRefs) AddOnce(after[NameOf(r, t.Name)], t.Name);
            foreach (var r in d.TriggersRefs) AddOnce(triggers[t.Name], NameOf(r, t.Name));
            foreach (var r in d.TriggeredByRefs) AddOnce(triggers[NameOf(r, t.Name)], t.Name);
        }

        foreach (var t in targets)
        {
            t.DependsOn = dependsOn[t.Name];
            t.After = after[t.Name];
            t.Triggers = triggers[t.Name];
        }
        return new TargetCatalog(targets);
    }

    private static void AddOnce(List<string> list, string name)
    {
        if (!list.Contains(name)) list.Add(name);
    }

    private static List<(string Name, Type DeclaredBy, MethodInfo Getter)> FindTargetProperties(Type buildType)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var result = new List<(string, Type, MethodInfo)>();
        var seen = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);

        void Add(string name, Type declaredBy, MethodInfo getter)
        {
            if (seen.TryGetValue(name, out var other))
            {
                if (other == declaredBy || other.IsAssignableFrom(declaredBy) || declaredBy.IsAssignableFrom(other)) return;
                if (!declaredBy.IsInterface && other.IsInterface) return;
                throw new InvalidOperationException(
                    $"Target name {name} is declared by both {other.Name} and {declaredBy.Name}; implement it in the build class to choose one.");
            }
            seen[name] = declaredBy;
            result.Add((name, declaredBy, getter));
        }

        // The class hierarchy, most derived first so an override wins by name.
        for (var type = buildType; type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var property in type.GetProperties(all | BindingFlags.DeclaredOnly)
                         .Where(p => p.PropertyType == typeof(Target) && p.GetMethod is not null && !p.Name.Contains('.'))
                         .OrderBy(p => p.MetadataToken))
                Add(property.Name, type, property.GetMethod!);
        }

        // Component interfaces: their getters dispatch to the class's implementation when there is one.
        foreach (var component in buildType.GetInterfaces().OrderBy(i => i.FullName, StringComparer.Ordinal))
        {
            foreach (var property in component.GetProperties(all)
                         .Where(p => p.PropertyType == typeof(Target) && p.GetMethod is not null)
                         .OrderBy(p => p.MetadataToken))
            {
                if (property.GetMethod!.IsAbstract && FindImplementation(buildType, component, property.GetMethod) is null) continue;
                Add(property.Name, component, property.GetMethod);
            }
        }
        return result;
    }

    private static MethodInfo? FindImplementation(Type buildType, Type component, MethodInfo getter)
    {
        var map = buildType.GetInterfaceMap(component);
        var index = Array.IndexOf(map.InterfaceMethods, getter);
        return index >= 0 ? map.TargetMethods[index] : null;
    }
}

/// <summary>Two reads of the same target property give equal delegates: same method, same closure target.</summary>
internal static class TargetIdentity
{
    public static readonly IEqualityComparer<Target> Comparer = new DelegateComparer();

    private sealed class DelegateComparer : IEqualityComparer<Target>
    {
        public bool Equals(Target? x, Target? y) =>
            x is not null && y is not null && x.Method == y.Method && ReferenceEquals(x.Target, y.Target);

        public int GetHashCode(Target obj) => HashCode.Combine(obj.Method, obj.Target is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Target));
    }
}
