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

    public FFNetwork(ModelOptions model, OptimizerOptions optimizer, long seed, Device device, bool sharedHalves = false)
        : this(LayerOptionsFor(model, optimizer, sharedHalves).Select(o => new LayerTrainer(o, seed, device)).ToArray())
    {
    }

    /// <summary>The network a run's configuration describes (the first layer shares its weights over
    /// both halves of SCFF's pairs when the negative strategy needs it).</summary>
    public FFNetwork(FFConfig config, Device device)
        : this(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, device, NegativeSetup.Of(config).SharedHalves)
    {
    }

    /// <param name="sharedHalves">Layer 0 reads pairs of image-wide halves with shared weights (SCFF).</param>
    public static IReadOnlyList<LayerOptions> LayerOptionsFor(ModelOptions model, OptimizerOptions optimizer, bool sharedHalves = false)
    {
        if (model.Layers.Length < 2) throw new ArgumentException("model.layers: need an input size and at least one layer");
        return Enumerable.Range(0, model.LayerCount).Select(i => new LayerOptions(
            i, model.Layers[i], model.Layers[i + 1], model.InputNorm,
            new Objective(model.Goodness, model.ThresholdFor(model.Layers[i + 1]), model.Loss),
            model.PeerNorm, optimizer, SharedHalves: sharedHalves && i == 0)).ToArray();
    }

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
