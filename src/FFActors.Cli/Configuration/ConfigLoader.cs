using System.Reflection;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace FFActors.Cli.Configuration;

/// <summary>
/// Builds a run's configuration: the embedded reference (hocon/ffactors.conf) as the fallback,
/// then the user's file, then <c>--set key=value</c> overrides. Every key given by the user must
/// exist in the reference, so a typo fails instead of being silently ignored.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Top-level sections reserved for Akka's own settings (not checked against the reference).</summary>
    static readonly string[] PassThroughRoots = ["akka"];

    public static string ReferenceText { get; } = ReadReference();

    public static Config Reference { get; } = ConfigurationFactory.ParseString(ReferenceText);

    public static LoadedConfig Load(string? file, IEnumerable<string> overrides) => Load(file, overrides, overrideOrigin: null);

    /// <param name="overrideOrigin">Where the overrides come from, for error messages (e.g. an experiment file); null = --set.</param>
    public static LoadedConfig Load(string? file, IEnumerable<string> overrides, string? overrideOrigin)
    {
        Config user = ConfigurationFactory.Empty;
        var origins = new Dictionary<string, string>();
        if (file is not null)
        {
            if (!File.Exists(file)) throw new ConfigException($"{file}: config file not found");
            user = ParseFile(file, [], origins);
            CheckKnown(user, file);
            foreach (var (path, _) in Leaves(user.Root, "")) origins.TryAdd(path, file);
        }
        foreach (var item in overrides)
        {
            int eq = item.IndexOf('=');
            var origin = overrideOrigin is null ? $"--set {item}" : $"{overrideOrigin} ({item})";
            if (eq <= 0) throw new ConfigException($"{origin}: expected key=value");
            var key = item[..eq].Trim();
            var value = item[(eq + 1)..].Trim();
            Config one;
            try
            {
                one = ConfigurationFactory.ParseString($"{key} = {Quote(value)}");
            }
            catch (Exception e)
            {
                throw new ConfigException($"{origin}: not a valid HOCON value ({OneLine(e.Message)})");
            }
            CheckKnown(one, origin);
            foreach (var (path, _) in Leaves(one.Root, "")) origins[path] = origin;
            user = one.WithFallback(user);
        }
        return new LoadedConfig(user.WithFallback(Reference), origins);
    }

    /// <summary>
    /// A HOCON file with its <c>include "other.conf"</c> lines resolved relative to it (Akka's parser
    /// has no file resolution of its own). The keys an included file sets are recorded with its name.
    /// </summary>
    /// <summary>A HOCON file with its includes (an experiment file: its keys are checked by its own loader).</summary>
    public static Config ParseFile(string file) => ParseFile(file, [], [], check: false);

    static Config ParseFile(string file, List<string> including, Dictionary<string, string> origins, bool check = true)
    {
        var full = Path.GetFullPath(file);
        if (including.Contains(full))
            throw new ConfigException($"{file}: include cycle ({string.Join(" -> ", including.Append(full).Select(Path.GetFileName))})");
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{file}: cannot read the config file ({OneLine(e.Message)})");
        }
        CheckBalanced(text, file);
        including.Add(full);
        try
        {
            return ConfigurationFactory.ParseString(text, name => Include(file, name, including, origins, check));
        }
        catch (Exception e) when (e is not ConfigException)
        {
            throw new ConfigException($"{file}: not valid HOCON ({OneLine(e.Message)})");
        }
        finally
        {
            including.RemoveAt(including.Count - 1);
        }
    }

    static HoconRoot Include(string from, string name, List<string> including, Dictionary<string, string> origins, bool check)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ConfigException($"{from}: include needs a file name: include \"other.conf\"");
        var path = Path.IsPathRooted(name) ? name : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(from))!, name);
        if (!File.Exists(path)) throw new ConfigException($"{from}: include \"{name}\": file not found (looked for {path})");
        var included = ParseFile(path, including, origins, check);
        if (check) CheckKnown(included, path);
        foreach (var (key, _) in Leaves(included.Root, "")) origins.TryAdd(key, path);
        return new HoconRoot(included.Root);
    }

    /// <summary>Akka's HOCON parser accepts unbalanced braces silently; catch them before it does.</summary>
    public static void CheckBalanced(string text, string source)
    {
        var open = new Stack<(char, int)>();
        int line = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n')
            {
                line++;
            }
            else if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i + 1 < text.Length && text[i + 1] != '\n') i++;
            }
            else if (c == '"')
            {
                while (i + 1 < text.Length && text[++i] != '"' && text[i] != '\n')
                {
                    if (text[i] == '\\') i++;
                }
            }
            else if (c is '{' or '[') open.Push((c, line));
            else if (c is '}' or ']')
            {
                if (open.Count == 0 || open.Pop().Item1 != (c == '}' ? '{' : '['))
                    throw new ConfigException($"{source}: line {line}: unexpected '{c}'");
            }
        }
        if (open.Count > 0) throw new ConfigException($"{source}: line {open.Peek().Item2}: '{open.Peek().Item1}' is never closed");
    }

    /// <summary>Leaves HOCON values as they are, but quotes bare words containing characters HOCON would misread (e.g. paths with ':').</summary>
    public static string Quote(string value)
    {
        if (value.Length == 0) return "\"\"";
        if (value.StartsWith('[') || value.StartsWith('{') || value.StartsWith('"')) return value;
        return value.IndexOfAny([':', '#', ',', '$', '\\']) >= 0 ? $"\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"" : value;
    }

    static void CheckKnown(Config user, string source) => CheckKnown(user, source, Reference);

    /// <summary>Throws, naming <paramref name="source"/> and the key, when <paramref name="user"/> has a key <paramref name="reference"/> lacks.</summary>
    public static void CheckKnown(Config user, string source, Config reference)
    {
        foreach (var (path, _) in Leaves(user.Root, ""))
        {
            if (PassThroughRoots.Any(r => path == r || path.StartsWith(r + ".", StringComparison.Ordinal))) continue;
            if (user.GetValue(path) is { } v && !v.IsObject() && v.Values.Count == 0)
                throw new ConfigException($"{source}: '{path}' has no value", path);
            if (!reference.HasPath(path))
            {
                var hint = Suggest(path, reference);
                throw new ConfigException($"{source}: unknown key '{path}'{(hint is null ? "" : $" (did you mean '{hint}'?)")}", path);
            }
            if (reference.GetValue(path).IsObject() && !user.GetValue(path).IsObject())
                throw new ConfigException($"{source}: '{path}' is a section, not a value", path);
        }
    }

    /// <summary>All leaf paths (and empty objects) of a HOCON tree.</summary>
    public static IEnumerable<(string Path, HoconValue Value)> Leaves(HoconValue node, string prefix)
    {
        if (node.IsObject())
        {
            var items = node.GetObject().Items;
            if (items.Count == 0 && prefix.Length > 0) yield return (prefix, node);
            foreach (var (k, v) in items)
            {
                var p = prefix.Length == 0 ? k : $"{prefix}.{k}";
                foreach (var leaf in Leaves(v, p)) yield return leaf;
            }
        }
        else
        {
            yield return (prefix, node);
        }
    }

    public static string? Suggest(string path, Config reference)
    {
        var known = Leaves(reference.Root, "").Select(l => l.Path).ToArray();
        var last = path.Split('.')[^1];
        return known.FirstOrDefault(k => k.Split('.')[^1] == last)
            ?? known.OrderBy(k => Distance(k, path)).Where(k => Distance(k, path) <= 3).FirstOrDefault();
    }

    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    public static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    /// <summary>hocon/ffactors.conf, then hocon/cluster.conf (the cluster settings).</summary>
    static string ReadReference() => ReadResource("ffactors.conf") + "\n" + ReadResource("cluster.conf");

    /// <summary>A reference file embedded in the ffactors assembly (hocon/ffactors.conf, hocon/cluster.conf, hocon/experiment.conf).</summary>
    public static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded {name} missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
