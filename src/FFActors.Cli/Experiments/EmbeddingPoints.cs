namespace FFActors.Cli.Experiments;

/// <summary>A 2-D embedding of one arm's target test features (the arm folder's embedding.json).</summary>
public sealed record EmbeddingPoints(string Arm, string Method, string Features, float[] X, float[] Y, int[] Labels);
