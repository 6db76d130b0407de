using FFActors.Core.Data;
using FFActors.Core.Evaluation;

namespace FFActors.Core.Negatives;

/// <summary>
/// What a run's negative strategy (<c>train.negatives</c> with <c>train.negative-options</c>) implies for
/// training and evaluation, checked once against the rest of the configuration. Every trainer (Core's
/// and the actor runtime) builds its strategy and its network through this, so they agree.
/// </summary>
/// <param name="LabelFree">Positives and negatives carry no label (the neutral overlay).</param>
/// <param name="NeedsModel">Negatives are generated against a view of the current network.</param>
/// <param name="SharedHalves">The network reads SCFF pairs [x ‖ x′]: layer 0 shares its weights over both halves.</param>
/// <param name="ProbeOnly">The test evaluation is the linear probe alone (no goodness scoring).</param>
public sealed record NegativeSetup(string Name, bool LabelFree, bool NeedsModel, bool SharedHalves, bool ProbeOnly)
{
    /// <summary>Words for summaries and results files.</summary>
    public string Evaluation => ProbeOnly ? "linear probe (softmax head on frozen features, label-free)" : "goodness scoring + softmax head";

    /// <summary>The strategy of <paramref name="config"/> (the caller owns it; some strategies keep state for one run).</summary>
    public static INegativeStrategy Create(FFConfig config, LabelOverlay overlay) =>
        NegativeStrategies.Create(config.Train.Negatives, overlay, config.Train.NegativeOptionsOrEmpty);

    /// <summary>Throws, naming the key, when the first layer does not take images of <paramref name="imageFeatures"/> features (and the label block, if any).</summary>
    public void CheckInput(FFConfig config, int imageFeatures)
    {
        int first = config.Model.Layers[0];
        int extra = LabelOverlay.For(config.Model).ExtraInputs;
        if (first == imageFeatures + extra) return;
        if (extra > 0)
            throw new ArgumentException($"model.layers: the first entry must be the image size {imageFeatures} of {config.Data.Dataset} + the {extra} " +
                $"inputs of model.label-input = block = {imageFeatures + extra} (got {first})");
        throw new ArgumentException(SharedHalves && first == 2 * imageFeatures
            ? $"model.layers: the first entry is the image size ({imageFeatures}); train.negatives = {Name} feeds pairs of two images " +
              $"to a first layer that shares its weights over both halves, so do not double it (got {first})"
            : $"model.layers: the first entry must be the image size {imageFeatures} of {config.Data.Dataset} (got {first})");
    }

    /// <summary>Checks the combination and says what it implies; throws <see cref="ArgumentException"/> naming the key.</summary>
    public static NegativeSetup Of(FFConfig config)
    {
        var strategy = Create(config, LabelOverlay.For(config.Model));
        try
        {
            string name = config.Train.Negatives;
            bool labelFree = strategy.LabelFree;
            var readout = config.Eval.Readout;
            if (readout == EvalReadout.Label && labelFree)
                throw new ArgumentException($"eval.readout = label: train.negatives = {name} is label-free (the network never sees a label, " +
                    "so goodness under each label cannot classify); use eval.readout = probe (or auto)");
            bool probeOnly = readout == EvalReadout.Probe || (readout == EvalReadout.Auto && labelFree);
            if (probeOnly && config.Eval.HeadEpochs < 1)
                throw new ArgumentException($"eval.head.epochs = {config.Eval.HeadEpochs}: the linear probe is the only evaluation " +
                    $"{(labelFree ? $"of label-free negatives ({name})" : "with eval.readout = probe")}; it needs at least 1 epoch");
            if (config.Train.ModelViewRefresh < 1)
                throw new ArgumentException($"train.model-view-refresh: {config.Train.ModelViewRefresh} must be at least 1");
            bool shared = strategy.InputWidth(1) == 2;
            return new NegativeSetup(name, labelFree, strategy.NeedsModel, shared, probeOnly);
        }
        finally
        {
            (strategy as IDisposable)?.Dispose();
        }
    }
}
