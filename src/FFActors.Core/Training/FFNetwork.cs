using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>A stack of FF layers, each with its own optimizer (no gradient ever crosses layers).</summary>
public sealed class FFNetwork : IDisposable
{
    public IReadOnlyList<IFFLayer> Layers { get; }

    public FFNetwork(IReadOnlyList<IFFLayer> layers) => Layers = layers;

    /// <param name="windows">Per layer, the epochs in which it learns (ILT); null = always.</param>
    /// <param name="sharedHalves">Layer 0 reads pairs of image-wide halves with shared weights (SCFF).</param>
    /// <param name="collaboration">Layer collaboration: its free-riding remedy becomes part of each layer's objective.</param>
    public FFNetwork(ModelOptions model, OptimizerOptions optimizer, long seed, Device device, IReadOnlyList<EpochWindow>? windows = null,
        bool sharedHalves = false, CollaborationOptions? collaboration = null)
        : this(SpecsFor(model, optimizer, windows, sharedHalves, collaboration).Select(o => o.Create(seed, device)).ToArray())
    {
    }

    /// <summary>The network a run's configuration describes (model, optimizer, ILT windows; the first layer
    /// shares its weights over both halves of SCFF's pairs when the negative strategy needs it).</summary>
    public FFNetwork(FFConfig config, Device device)
        : this(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, device, config.Train.LayerEpochs,
            NegativeSetup.Of(config).SharedHalves, config.Train.CollaborationOrDefault)
    {
    }

    /// <summary>The layer specs of <paramref name="model"/>, as its <see cref="ModelOptions.Kind"/> builds them.</summary>
    /// <param name="windows">Per layer, the epochs in which it learns (ILT); null = always.</param>
    /// <param name="sharedHalves">Layer 0 reads pairs of image-wide halves with shared weights (SCFF).</param>
    /// <param name="collaboration">When on, its remedy (and the depth-scaled divisor of each layer) goes into every dense layer's objective.</param>
    public static IReadOnlyList<LayerSpec> SpecsFor(ModelOptions model, OptimizerOptions optimizer, IReadOnlyList<EpochWindow>? windows = null,
        bool sharedHalves = false, CollaborationOptions? collaboration = null) =>
        SpecsFor(model, new NetworkContext(optimizer, windows, sharedHalves, collaboration));

    /// <summary>The layer specs of <paramref name="model"/>, its ILT windows checked against its layer count.</summary>
    public static IReadOnlyList<LayerSpec> SpecsFor(ModelOptions model, NetworkContext context)
    {
        var specs = model.Kind.Specs(model, context);
        if (context.Windows is { } w && w.Count != specs.Count)
            throw new ArgumentException($"train.ilt: {w.Count} windows for {specs.Count} layers");
        return specs;
    }

    /// <summary>A CwC-FF, Hyperspherical FF, Distance-Forward or Mono-Forward network: it reads plain images (no label overlay) and learns from labels, without negatives.</summary>
    public bool LabelDriven => Layers.Count > 0 && Layers[0].Spec.LabelDriven;

    /// <summary>Activities of every layer for input x (no autograd); element ℓ is layer ℓ's output. A network whose layers
    /// hear the layer above gives each layer's settled state (<see cref="TopDownIterations.Settle"/>).</summary>
    public List<Tensor> Activities(Tensor x, int upTo = int.MaxValue)
    {
        if (Layers.Count > 0 && Layers[0].Spec.TopDown is { } schedule)
            return TopDownIterations.Settle(Layers, schedule, x).Take(Math.Min(upTo, Layers.Count - 1) + 1).ToList();
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
