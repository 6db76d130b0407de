namespace FFActors.Runtime;

/// <summary>A layer kept failing after being restored from its checkpoint.</summary>
public sealed class PipelineFaultException(string message, IReadOnlyList<string> log) : Exception(message)
{
    public IReadOnlyList<string> RunLog { get; } = log.ToArray();
}
