namespace Sluice.Build;

/// <summary>A normalised absolute path. Parameters of this type given as relative paths are taken relative to the build root.</summary>
public readonly record struct AbsolutePath
{
    public AbsolutePath(string path)
    {
        if (!System.IO.Path.IsPathFullyQualified(path))
            throw new ArgumentException($"'{path}' is not an absolute path.", nameof(path));
        Value = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
    }

    public string Value { get; }

    public string Name => System.IO.Path.GetFileName(Value);
    public AbsolutePath Parent => new(System.IO.Path.GetDirectoryName(Value) ?? Value);
    public bool Exists => File.Exists(Value) || Directory.Exists(Value);

    public static AbsolutePath operator /(AbsolutePath left, string right) => new(System.IO.Path.Combine(left.Value, right));
    public static implicit operator string(AbsolutePath path) => path.Value;

    /// <summary>The path relative to <paramref name="root"/>, with forward slashes, for display and generated files.</summary>
    public string RelativeTo(AbsolutePath root) => System.IO.Path.GetRelativePath(root.Value, Value).Replace('\\', '/');

    public override string ToString() => Value;
}
