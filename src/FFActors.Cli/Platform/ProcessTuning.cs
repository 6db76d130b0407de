namespace FFActors.Cli.Platform;

/// <summary>
/// The one place where the <c>ffactors</c> process changes how the native libraries it loads behave. Everything here is
/// off unless the environment variable <c>FFACTORS_TUNING</c> names it (comma-separated); the libraries (Core, Runtime)
/// never do any of it. docs/platform.md has what each switch does and what it changes.
/// </summary>
/// <remarks>
/// glibc's allocator is not switched here: glibc reads its settings only at process start, from <c>GLIBC_TUNABLES</c>,
/// which a user who wants them sets for the process (docs/platform.md has the settings and what they change).
/// <c>FFACTORS_TUNING</c> is an environment variable rather than a config key because it must act before the first
/// GEMM, before any config is read, and the processes the CLI starts (<c>ffactors node</c> for the cluster bench)
/// inherit it. Returning freed memory after each epoch (<see cref="NativeHeap"/>, <c>run.release-freed-memory</c>) is
/// not here: it asks glibc to give back what it holds and changes nothing in how glibc or libtorch behave.
/// </remarks>
public static class ProcessTuning
{
    public const string Variable = "FFACTORS_TUNING";

    /// <summary>oneMKL takes its Intel code paths on AMD CPUs (<see cref="MklDispatch"/>).</summary>
    public const string MklIntelPaths = "mkl-intel-paths";

    static readonly string[] Known = [MklIntelPaths];

    /// <summary>The switches <paramref name="value"/> names; empty for null or blank. Throws naming the variable and the unknown switch.</summary>
    public static IReadOnlySet<string> Parse(string? value)
    {
        var switches = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(value)) return switches;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Known.Contains(part, StringComparer.Ordinal))
                throw new ArgumentException($"{Variable}={value}: unknown switch '{part}' (known: {string.Join(", ", Known)}; none is on by default)");
            switches.Add(part);
        }
        return switches;
    }

    /// <summary>Turns on what <c>FFACTORS_TUNING</c> names; call before any tensor work.</summary>
    public static void Apply()
    {
        var switches = Parse(Environment.GetEnvironmentVariable(Variable));
        if (switches.Contains(MklIntelPaths)) MklDispatch.Apply();
    }

    /// <summary>One line for run output and bench headers: what oneMKL dispatches to in this process.</summary>
    public static string Describe() => $"oneMKL: {MklDispatch.Status}";
}
