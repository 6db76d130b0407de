using Akka.Configuration;

namespace FFActors.Cli.Configuration;

/// <summary>A merged configuration and, for each key the user set, where it was set (file or --set).</summary>
/// <param name="Reference">What to name for a key the user did not set; null = the train or cluster reference file.</param>
public sealed record LoadedConfig(Config Hocon, IReadOnlyDictionary<string, string> Origins, string? Reference = null)
{
    /// <summary>Where <paramref name="key"/>'s value came from: the user's file, a --set, or the reference defaults.</summary>
    public string OriginOf(string key) =>
        Origins.TryGetValue(key, out var o) ? o
        : Reference ?? (key.StartsWith("cluster.", StringComparison.Ordinal) ? "hocon/cluster.conf" : "hocon/ffactors.conf");

    /// <summary>This configuration with <paramref name="key"/> set to <paramref name="value"/> (a HOCON value), its origin <paramref name="origin"/>.</summary>
    public LoadedConfig With(string key, string value, string origin) =>
        this with
        {
            Hocon = ConfigurationFactory.ParseString($"{key} = {value}").WithFallback(Hocon),
            Origins = new Dictionary<string, string>(Origins) { [key] = origin },
        };

    /// <summary>The full resolved configuration (reference + file + overrides) as HOCON that loads back: a run's config.conf.</summary>
    public string Render() =>
        "# Resolved configuration of this run (reference defaults + --config file + --set overrides).\n" +
        EmptyStringsWritten(EmptyListsWritten(WithoutCluster(Hocon.ToString(includeFallback: true))));

    /// <summary>Akka's HOCON printer writes an empty list (<c>train.ilt.start = []</c>) as a placeholder its parser
    /// cannot read back; an empty string prints as nothing, so the placeholder can only be an empty list.</summary>
    static string EmptyListsWritten(string rendered) => rendered.Replace(" : <<unknown value>>", " : []", StringComparison.Ordinal);

    /// <summary>An empty string (<c>run.name = ""</c>) prints as <c>name : </c> with nothing after it, which the parser refuses.</summary>
    static string EmptyStringsWritten(string rendered) =>
        System.Text.RegularExpressions.Regex.Replace(rendered, @"^(\s*[^\s:]+ : )(\r?)$", "$1\"\"$2", System.Text.RegularExpressions.RegexOptions.Multiline);

    /// <summary>
    /// The cluster section describes where a run was deployed, not the run (a resume may use other
    /// nodes), and Akka's HOCON printer writes its empty values and akka.tcp:// addresses in a form
    /// its parser cannot read back; so it stays out of config.conf.
    /// </summary>
    static string WithoutCluster(string rendered) =>
        System.Text.RegularExpressions.Regex.Replace(rendered, @"^  cluster : \{\r?\n.*?^  \}\r?\n", "",
            System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.Multiline);
}
