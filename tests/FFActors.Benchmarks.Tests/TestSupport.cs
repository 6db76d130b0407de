namespace FFActors.Benchmarks.Tests;

static class TestSupport
{
    static readonly Lazy<string> root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FFActors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FFActors.sln not found above " + AppContext.BaseDirectory);
    });

    public static string DataDir => Path.Combine(root.Value, "samples", "data");
}

/// <summary>A fact that reads Linux's /proc: reported as skipped elsewhere, not passed silently.</summary>
sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "reads /proc: Linux only";
    }
}
