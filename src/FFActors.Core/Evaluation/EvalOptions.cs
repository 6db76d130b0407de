namespace FFActors.Core.Evaluation;

/// <param name="ScoreLayers">0-based layers whose goodness is summed; null = all but the first when there are ≥ 2.</param>
/// <param name="HeadLayers">Layers whose normalised activities feed the softmax head; null = same as ScoreLayers.</param>
/// <param name="HeadEpochs">Passes of the head's training over the training set.</param>
/// <param name="BatchSize">Samples per evaluation batch (and per head update is HeadBatchSize).</param>
/// <param name="ValidateEachEpoch">Score the validation split after every epoch (when there is one).</param>
/// <param name="DiagnosticSamples">Training samples of the per-layer diagnostics after every epoch; 0 = off.</param>
/// <param name="DiagnosticBins">Bins of the diagnostics' goodness histograms.</param>
/// <param name="Readout">Which test evaluation runs (<see cref="EvalReadout"/>).</param>
public sealed record EvalOptions(
    int[]? ScoreLayers = null,
    int[]? HeadLayers = null,
    int HeadEpochs = 5,
    double HeadLearningRate = 0.001,
    int HeadBatchSize = 100,
    int BatchSize = 250,
    bool ValidateEachEpoch = true,
    EvalReadout Readout = EvalReadout.Auto,
    int DiagnosticSamples = 0,
    int DiagnosticBins = 40)
{
    public int[] ScoreLayersFor(int layerCount) =>
        ScoreLayers ?? (layerCount >= 2 ? Enumerable.Range(1, layerCount - 1).ToArray() : [0]);

    public int[] HeadLayersFor(int layerCount) => HeadLayers ?? ScoreLayersFor(layerCount);

    /// <summary>Throws, naming the key, when a score or head layer does not exist in a model of <paramref name="layerCount"/> layers.</summary>
    public void CheckLayers(int layerCount)
    {
        foreach (var (key, layers) in new[] { ("eval.score-layers", ScoreLayersFor(layerCount)), ("eval.head.layers", HeadLayersFor(layerCount)) })
            foreach (int l in layers)
                if (l < 0 || l >= layerCount)
                    throw new ArgumentException($"{key}: layer {l} does not exist (the model has layers 0..{layerCount - 1})");
    }
}

/// <summary>How a trained network is evaluated (<c>eval.readout</c>).</summary>
public enum EvalReadout
{
    /// <summary><see cref="Label"/> for labelled negative strategies, <see cref="Probe"/> for label-free ones.</summary>
    Auto,
    /// <summary>Goodness scoring (one pass per label) and the softmax head.</summary>
    Label,
    /// <summary>Only the linear probe: the softmax head on frozen features of unlabelled inputs.
    /// Label-free networks never saw a label, so label goodness means nothing for them.</summary>
    Probe,
}
