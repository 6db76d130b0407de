namespace FFActors.Runtime;

/// <summary>A training batch as the coordinator built it (for tests).</summary>
public sealed record BatchTrace(int Generation, int Epoch, int Batch, long[] Indices);
