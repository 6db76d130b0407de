namespace FFActors.Cli.Commands;

/// <summary>What the exit code of an <c>ffactors</c> command means (also in <c>ffactors --help</c> and the README).</summary>
public static class ExitCode
{
    public const int Done = 0;
    public const int Other = 1;
    public const int BadInput = 2;
    public const int Diverged = 3;
    public const int ClusterLost = 4;
    public const int Stopped = 130;

    public const string Table =
        "Exit codes: 0 done; 1 other failure; 2 bad input (config key or value, data file, run folder, certificate, checkpoint); " +
        "3 training diverged; 4 cluster lost; 130 stopped (Ctrl-C or SIGTERM; a second one aborts at once).";
}
