using System.CommandLine;
using FFActors.Cli.Report;

namespace FFActors.Cli.Commands;

/// <summary><c>ffactors report</c>: render the results tables and charts of README.md and docs/ from results/.</summary>
public static class ReportCommand
{
    static readonly Option<bool> CheckOption = new("--check") { Description = "Write nothing; exit 1 when a page's tables differ from what the result files render" };
    static readonly Option<string> RootOption = new("--root") { Description = "Repository root holding README.md, docs/ and results/", DefaultValueFactory = _ => "." };

    public static Command Create()
    {
        var command = new Command("report", "Render the results tables (and experiment charts) of README.md and docs/ from the result files in results/");
        command.Options.Add(CheckOption);
        command.Options.Add(RootOption);
        command.SetAction(parse => Run(parse.GetValue(RootOption)!, parse.GetValue(CheckOption)));
        return command;
    }

    public static int Run(string root, bool check)
    {
        if (!Directory.Exists(Path.Combine(root, "results")))
            throw new IOException($"{Path.GetFullPath(root)}: no results/ folder (run ffactors report from the repository root or pass --root)");
        if (check)
        {
            var stale = DocsReport.Render(root).Where(p => p.Stale).ToList();
            foreach (var p in stale) Console.Error.WriteLine($"{p.RepoPath}: tables differ from the result files; run ffactors report");
            if (stale.Count == 0) Console.WriteLine("docs match the result files");
            return stale.Count == 0 ? 0 : 1;
        }
        var written = DocsReport.Write(root);
        foreach (var p in written) Console.WriteLine($"updated {p.RepoPath}");
        Console.WriteLine(written.Count == 0 ? "tables up to date; charts redrawn" : $"{written.Count} page(s) updated; charts redrawn");
        return 0;
    }
}
