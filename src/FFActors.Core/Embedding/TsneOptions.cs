namespace FFActors.Core.Embedding;

/// <summary>Settings of exact t-SNE (van der Maaten &amp; Hinton 2008, with the usual optimiser schedule).</summary>
/// <param name="Perplexity">Effective number of neighbours of each point.</param>
/// <param name="Iterations">Gradient steps in all.</param>
/// <param name="PcaDimensions">Inputs are first reduced to this many principal components (0 = no reduction).</param>
/// <param name="Exaggeration">P is multiplied by this for the first <paramref name="ExaggerationIterations"/> steps.</param>
/// <param name="LearningRate">Step size; 0 = max(n / Exaggeration / 4, 50).</param>
public sealed record TsneOptions(
    double Perplexity = 30,
    int Iterations = 500,
    int PcaDimensions = 50,
    double Exaggeration = 12,
    int ExaggerationIterations = 250,
    double LearningRate = 0);
