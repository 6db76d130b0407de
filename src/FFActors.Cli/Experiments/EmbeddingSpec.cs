namespace FFActors.Cli.Experiments;

/// <summary>The 2-D embedding figure's settings (experiment.embedding).</summary>
/// <param name="Method">none, pca or tsne.</param>
/// <param name="Arms">Arms to embed; empty = every feature arm.</param>
/// <param name="Features">last or all.</param>
public sealed record EmbeddingSpec(string Method, IReadOnlyList<string> Arms, string Features, int Samples, double Perplexity, int Iterations)
{
    public bool Enabled => Method != "none";

    public bool Includes(ArmSpec arm) => Enabled && !arm.IsTrain && (Arms.Count == 0 || Arms.Contains(arm.Name));
}
