namespace FFActors.Runtime;

/// <summary>A layer kept failing after being restored from its checkpoint.</summary>
public sealed class PipelineFaultException(string message, IReadOnlyList<string> log) : Exception(message)
{
    public IReadOnlyList<string> RunLog { get; } = log.ToArray();

    /// <summary>The layer kept producing non-finite values after its restores: the training diverged.</summary>
    public bool Diverged => Message.Contains("non-finite", StringComparison.Ordinal);

    /// <summary>No layer host was left to place the lost layer on: the cluster is gone.</summary>
    public bool ClusterLost => Message.Contains("no layer host is left", StringComparison.Ordinal);
}
