using System.Reflection;

namespace FFActors.Cli.Report;

/// <summary>
/// The version and the git commit this binary was built from. The .NET SDK's Source Link support
/// appends the commit of the repository being built to the informational version
/// (<c>1.0.0+&lt;40 hex digits&gt;</c>), so a fresh clone's build names its commit without any
/// script; a build outside a git checkout has no commit.
/// </summary>
public static class BuildInfo
{
    /// <summary>The informational version as the build stamped it, e.g. <c>1.0.0+c9c4c944…</c>.</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The full commit id, or "unknown" when the binary was not built from a git checkout.</summary>
    public static string Commit { get; } = CommitOf(Version);

    public static string CommitOf(string version)
    {
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        var tail = plus < 0 ? "" : version[(plus + 1)..];
        return tail.Length >= 7 && tail.All(Uri.IsHexDigit) ? tail : "unknown";
    }
}
