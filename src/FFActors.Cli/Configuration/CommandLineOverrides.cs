using Akka.Configuration;
using FFActors.Cli.Configuration.Schema;

namespace FFActors.Cli.Configuration;

/// <summary>A command-line option that stands for one key: <c>--seed 7</c> is <c>run.seed=7</c>.</summary>
/// <param name="Option">As the user typed it, for the error message: "--seed 7".</param>
public sealed record Shortcut(string Option, string Key, string Value);

/// <summary>
/// Joins <c>--set</c> overrides and the shortcut options of one command line. A shortcut and a
/// <c>--set</c> of the same key with different values are refused, naming both: neither silently wins.
/// </summary>
public static class CommandLineOverrides
{
    public static string[] Merge(IReadOnlyList<string> sets, IEnumerable<Shortcut> shortcuts)
    {
        var result = new List<string>(sets);
        foreach (var shortcut in shortcuts)
        {
            foreach (var set in sets)
            {
                int eq = set.IndexOf('=');
                if (eq <= 0 || set[..eq].Trim() != shortcut.Key) continue;
                if (!Same(shortcut.Key, set[(eq + 1)..].Trim(), shortcut.Value))
                    throw new ConfigException(shortcut.Option, shortcut.Key, $"conflicts with --set {set} on the same command line; give the value once");
            }
            result.Add($"{shortcut.Key}={shortcut.Value}");
        }
        return [.. result];
    }

    /// <summary>Two values of a key mean the same when the key reads them alike ("[a, b]" and "[\"a\",\"b\"]").</summary>
    static bool Same(string key, string a, string b)
    {
        if (a == b) return true;
        var declared = ConfigSchema.Files.SelectMany(f => f.Keys).FirstOrDefault(k => k.Path == key);
        if (declared is null) return false;
        try
        {
            return declared.Canonical(Parse(key, a)) == declared.Canonical(Parse(key, b));
        }
        catch (Exception e) when (e is BadValue or ConfigurationException or FormatException)
        {
            return false;
        }
    }

    static Akka.Configuration.Hocon.HoconValue Parse(string key, string value) =>
        ConfigurationFactory.ParseString($"{key} = {ConfigLoader.Quote(value)}").GetValue(key);
}
