namespace FFActors.Cli.Configuration.Schema;

/// <summary>
/// Reads declared keys from a merged configuration: every value goes through its key's kind, and
/// every problem becomes a <see cref="ConfigException"/> carrying the key and where it was set.
/// </summary>
/// <param name="root">The path the loaded tree starts at: "" for a train config; "experiment" when
/// the tree is an experiment's <c>experiment { }</c> object (its keys are declared with full paths).</param>
public sealed class ConfigReader(LoadedConfig loaded, string root = "")
{
    public LoadedConfig Loaded => loaded;

    public T Get<T>(ConfigKey<T> key)
    {
        var local = Local(key.Path);
        if (!loaded.Hocon.HasPath(local)) throw Fail(key.Path, "missing");
        try
        {
            return key.Kind.Parse(loaded.Hocon.GetValue(local));
        }
        catch (BadValue e)
        {
            throw Fail(key.Path, e.Message);
        }
    }

    /// <summary>Reads <paramref name="key"/> for its checks alone (a key the chosen options do not use must still be valid).</summary>
    public void Check(ConfigKey key)
    {
        var local = Local(key.Path);
        if (!loaded.Hocon.HasPath(local)) throw Fail(key.Path, "missing");
        try
        {
            key.Canonical(loaded.Hocon.GetValue(local));
        }
        catch (BadValue e)
        {
            throw Fail(key.Path, e.Message);
        }
    }

    /// <summary>An error about <paramref name="key"/>, naming where it was set (or the reference file).</summary>
    public ConfigException Fail(string key, string problem) => new(loaded.OriginOf(Local(key)), key, problem);

    /// <summary>An error about a group of keys (e.g. <c>train.negative-options</c>), naming the last of them the user set.</summary>
    public ConfigException FailSection(string section, string problem)
    {
        var local = Local(section);
        var origin = loaded.Origins.Where(o => o.Key.StartsWith(local + ".", StringComparison.Ordinal)).Select(o => o.Value).LastOrDefault()
            ?? loaded.OriginOf(local);
        return new ConfigException(origin, section, problem);
    }

    /// <summary>Whether the user (a file or --set) gave <paramref name="key"/>.</summary>
    public bool IsSet(string key) => loaded.Origins.ContainsKey(Local(key));

    string Local(string path) =>
        root.Length == 0 ? path
        : path.StartsWith(root + ".", StringComparison.Ordinal) ? path[(root.Length + 1)..]
        : throw new ArgumentException($"{path} is not under {root}");
}
