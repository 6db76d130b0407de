namespace FFActors.TestSupport;

/// <summary>Where the repository and its shipped data are, seen from a test's output folder.</summary>
public static class RepoPaths
{
    static readonly Lazy<string> root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FFActors.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} contains FFActors.sln");
    });

    /// <summary>The repository root (the folder holding FFActors.sln).</summary>
    public static string Root => root.Value;

    /// <summary>samples/data: one sub-folder per dataset with the four IDX files.</summary>
    public static string Data => Path.Combine(Root, "samples", "data");

    /// <summary>Whether the tests run inside a git checkout (a clone or a worktree), not an exported tree.</summary>
    public static bool InGitCheckout => Path.Exists(Path.Combine(Root, ".git"));
}
