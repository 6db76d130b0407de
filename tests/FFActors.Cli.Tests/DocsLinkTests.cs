using System.Text;
using System.Text.RegularExpressions;

namespace FFActors.Cli.Tests;

/// <summary>
/// Every relative link of the README and the docs reaches a file of the repository, and every #anchor a heading of the
/// page it names (GitHub's heading ids), so a reader never lands on nothing.
/// </summary>
public partial class DocsLinkTests
{
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    static IEnumerable<string> Pages() =>
        new[] { Path.Combine(RepoPaths.Root, "README.md") }.Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md",
            SearchOption.AllDirectories)).Concat([Path.Combine(RepoPaths.Root, "src", "FFActors.Runtime", "DESIGN.md")]).Where(File.Exists);

    [Fact]
    public void Every_relative_link_of_the_docs_reaches_a_file_and_its_anchor_a_heading()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            var text = StripCode(File.ReadAllText(page));
            foreach (Match m in Link().Matches(text))
            {
                var target = m.Groups["target"].Value;
                if (target.Contains("://") || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var hash = target.IndexOf('#');
                var file = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var path = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file)));
                var where = $"{Path.GetRelativePath(RepoPaths.Root, page)}: ({target})";
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{where}: no such file");
                else if (anchor is not null && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(path)).Contains(anchor))
                    broken.Add($"{where}: no heading with this id");
            }
        }
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void Heading_ids_follow_GitHubs_rule()
    {
        Assert.Contains("time-to-accuracy", Anchors("## Time to accuracy"));
        Assert.Contains("ffactors-bench-compute", Anchors("## `ffactors bench compute`"));
        Assert.Contains("cwc-ff-modelkind--cwc", Anchors("## CwC-FF (`model.kind = cwc`)"));
        Assert.Contains("a-b-1", Anchors("## A b\n## A b"));
    }

    /// <summary>GitHub's heading ids: lower case, punctuation other than '-' and '_' dropped, spaces to '-', "-1", "-2"… for repeats.</summary>
    static HashSet<string> Anchors(string markdown)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Heading().Matches(StripCode(markdown)))
        {
            var sb = new StringBuilder();
            foreach (var c in m.Groups["title"].Value.ToLowerInvariant())
                if (char.IsLetterOrDigit(c) || c == '-' || c == '_') sb.Append(c);
                else if (c == ' ') sb.Append('-');
            var id = sb.ToString();
            for (int n = 1; !ids.Add(id); n++) id = sb + "-" + n;
        }
        return ids;
    }

    /// <summary>The text without fenced code blocks, whose '#' lines are comments, not headings.</summary>
    static string StripCode(string markdown) => Regex.Replace(markdown, "^```.*?^```", "", RegexOptions.Singleline | RegexOptions.Multiline);
}
