using System.Text;
using FFActors.Cli.Configuration.Keys;

namespace FFActors.Cli.Configuration.Schema;

/// <summary>A reference file (hocon/*.conf) and the key groups it documents.</summary>
/// <param name="File">Its path in the repository, e.g. hocon/ffactors.conf.</param>
/// <param name="Resource">Its name embedded in the ffactors assembly.</param>
public sealed record ReferenceFile(string File, string Resource, string Summary, IReadOnlyList<IKeyGroup> Groups)
{
    public IEnumerable<ConfigKey> Keys => Groups.SelectMany(g => g.Keys);
}

/// <summary>
/// Every key FFActors reads, once: the groups of each reference file. hocon/*.conf must write
/// exactly these keys with these defaults (a test checks), and docs/configuration.md is rendered
/// from them (<c>ffactors config --doc</c>).
/// </summary>
public static class ConfigSchema
{
    public static ReferenceFile Train { get; } = new("hocon/ffactors.conf", "ffactors.conf",
        "The run configuration read by `ffactors train` (and by every experiment arm).",
        [RunKeys.Group, DataKeys.Group, ModelKeys.Group, .. ModelKinds.All.Where(k => k.Keys.Count > 0), TrainKeys.Group, EvalKeys.Group, RuntimeKeys.Group, NcaKeys.Group]);

    public static ReferenceFile Cluster { get; } = new("hocon/cluster.conf", "cluster.conf",
        "Cluster settings, read by `ffactors node` and `ffactors train --cluster`.",
        [ClusterKeys.Group]);

    public static ReferenceFile Experiment { get; } = new("hocon/experiment.conf", "experiment.conf",
        "The keys of an experiment file (`ffactors experiment FILE`); `arm.*` are the keys of one entry of `experiment.arms`.",
        [ExperimentKeys.Group, ExperimentKeys.ArmGroup]);

    public static IReadOnlyList<ReferenceFile> Files { get; } = [Train, Cluster, Experiment];

    /// <summary>The key reference as Markdown: docs/configuration.md.</summary>
    public static string RenderMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# Configuration keys\n\n");
        md.Append("Generated from the key declarations in `src/FFActors.Cli/Configuration/Keys` by `ffactors config --doc`; ");
        md.Append("a test fails when this file differs from what they render. The reference files `hocon/*.conf` hold the same ");
        md.Append("defaults with longer notes. A value outside its allowed range stops a run with one line naming the key.\n");
        foreach (var file in Files)
        {
            md.Append($"\n## {file.File}\n\n{file.Summary}\n");
            foreach (var group in file.Groups)
            {
                md.Append($"\n### {group.Section}\n\n| key | allowed | default | meaning |\n|---|---|---|---|\n");
                foreach (var key in group.Keys)
                    md.Append($"| `{key.Path}` | {Cell(key.Allowed)} | `{key.DefaultText.Replace("|", "\\|")}` | {Cell(key.Doc)} |\n");
            }
        }
        return md.ToString();
    }

    static string Cell(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
