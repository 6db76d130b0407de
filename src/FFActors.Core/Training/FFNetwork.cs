using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>A stack of FF layers, each with its own optimizer (no gradient ever crosses layers).</summary>
public sealed class FFNetwork : IDisposable
{
    public IReadOnlyList<LayerTrainer> Layers { get; }

    public FFNetwork(IReadOnlyList<LayerTrainer> layers) => Layers = layers;

    /// <param name="windows">Per layer, the epochs in which it learns (ILT); null = always.</param>
    /// <param name="sharedHalves">Layer 0 reads pairs of image-wide halves with shared weights (SCFF).</param>
    /// <param name="collaboration">Layer collaboration: its free-riding remedy becomes part of each layer's objective.</param>
    public FFNetwork(ModelOptions model, OptimizerOptions optimizer, long seed, Device device, IReadOnlyList<EpochWindow>? windows = null,
        bool sharedHalves = false, CollaborationOptions? collaboration = null)
        : this(LayerOptionsFor(model, optimizer, windows, sharedHalves, collaboration).Select(o => new LayerTrainer(o, seed, device)).ToArray())
    {
    }

    /// <summary>The network a run's configuration describes (model, optimizer, ILT windows; the first layer
    /// shares its weights over both halves of SCFF's pairs when the negative strategy needs it).</summary>
    public FFNetwork(FFConfig config, Device device)
        : this(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, device, config.Train.LayerEpochs,
            NegativeSetup.Of(config).SharedHalves, config.Train.CollaborationOrDefault)
    {
    }

    /// <param name="windows">Per layer, the epochs in which it learns (ILT); null = always.</param>
    /// <param name="sharedHalves">Layer 0 reads pairs of image-wide halves with shared weights (SCFF).</param>
    /// <param name="collaboration">When on, its remedy (and the depth-scaled divisor of each layer) goes into every dense layer's objective.</param>
    public static IReadOnlyList<LayerOptions> LayerOptionsFor(ModelOptions model, OptimizerOptions optimizer, IReadOnlyList<EpochWindow>? windows = null,
        bool sharedHalves = false, CollaborationOptions? collaboration = null)
    {
        if (windows is not null && windows.Count != model.LayerCount)
            throw new ArgumentException($"train.ilt: {windows.Count} windows for {model.LayerCount} layers");
        EpochWindow? Window(int i) => windows is null ? null : windows[i];
        if (model.Cwc is { } cwc)
        {
            var objective = new CwcObjective(cwc.Classes, cwc.Loss);
            return cwc.Blocks().Select((b, i) => new LayerOptions(
                i, b.InputSize, b.OutputSize, InputNorm.None, new Objective(model.Goodness, 0, model.Loss),
                0, optimizer, Cwc: b, CwcObjective: objective, Window: Window(i))).ToArray();
        }
        if (model.Layers.Length < 2) throw new ArgumentException("model.layers: need an input size and at least one layer");
        return Enumerable.Range(0, model.LayerCount).Select(i => new LayerOptions(
            i, model.Layers[i], model.Layers[i + 1], model.InputNorm,
            new Objective(model.Goodness, model.ThresholdFor(model.Layers[i + 1]), model.Loss, model.SymBaAlpha,
                collaboration is { Enabled: true } c ? c.Remedy : CollaborationRemedy.None,
                collaboration?.CumulativeDivisor(i, model.LayerCount) ?? 1.0),
            model.PeerNorm, optimizer, SharedHalves: sharedHalves && i == 0, Window: Window(i), Hff: model.Hff, Distance: model.Distance)).ToArray();
    }

    /// <summary>A CwC-FF, Hyperspherical FF or Distance-Forward network: it reads plain images (no label overlay) and learns from labels, without negatives.</summary>
    public bool LabelDriven => Layers.Count > 0 && Layers[0].Options.LabelDriven;

    /// <summary>Activities of every layer for input x (no autograd); element ℓ is layer ℓ's output.</summary>
    public List<Tensor> Activities(Tensor x, int upTo = int.MaxValue)
    {
        var result = new List<Tensor>();
        var h = x;
        for (int i = 0; i < Layers.Count && i <= upTo; i++)
        {
            h = Layers[i].Forward(h);
            result.Add(h);
        }
        return result;
    }

    public void SetEpoch(int epoch, int epochs)
    {
        foreach (var l in Layers) l.SetEpoch(epoch, epochs);
    }

    public void Dispose()
    {
        foreach (var l in Layers) l.Dispose();
    }
}
