using FFActors.Core.Platform;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// A read-only copy of the layers a model-driven negative strategy reads (up to the deepest score
/// layer), refreshed from the trained layers' weights when the trainer says so. Goodness is summed
/// over the score layers, as <see cref="NetworkView"/> does, but on the copy: the trainers (Core's,
/// and the actor runtime's coordinator, which cannot touch the layer actors' modules) refresh it
/// every <c>train.model-view-refresh</c> batches, so both see the same network at the same batch.
/// </summary>
public sealed class ModelReplica : INegativeModel, IDisposable
{
    readonly nn.Module<Tensor, Tensor>[] layers;
    readonly Objective[] objectives;
    readonly int[] scored;

    /// <param name="allLayers">Hold every layer (for <see cref="Forward"/>), not only those up to the deepest score layer.</param>
    public ModelReplica(IReadOnlyList<LayerSpec> specs, IEnumerable<int> scoreLayers, Device device, bool allLayers = false)
    {
        var options = specs.Select(ObjectiveOf).ToArray();
        scored = scoreLayers.Distinct().Order().ToArray();
        if (scored.Length == 0 || scored[0] < 0 || scored[^1] >= options.Length)
            throw new ArgumentException($"ModelReplica: score layers [{string.Join(", ", scored)}] do not fit a model of {options.Length} layers");
        // The initial values are overwritten by the first refresh; a fixed generator keeps them harmless.
        using var init = new Generator(0);
        layers = specs.Take(allLayers ? options.Length : scored[^1] + 1).Select(o =>
        {
            var layer = o.CreateModule(init, $"replica{o.Index}");
            layer.to(device);
            foreach (var p in layer.parameters()) p.requires_grad_(false);
            layer.eval();
            return layer;
        }).ToArray();
        objectives = options.Take(layers.Length).ToArray();
    }

    /// <summary>Layers the copy holds (0 .. deepest score layer): the ones a refresh must load.</summary>
    public int LayerCount => layers.Length;

    /// <summary>Copies one layer's state (its module's parameters and buffers by name, <see cref="StateOf"/>) into the replica.</summary>
    public void Load(int layer, IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, t) in layers[layer].state_dict())
            t.copy_(state.TryGetValue(name, out var v) ? v : throw new ArgumentException($"replica of layer {layer}: no '{name}' in the copy"));
    }

    public void LoadFrom(FFNetwork net)
    {
        for (int l = 0; l < layers.Length; l++) Load(l, net.Layers[l].Module.state_dict());
    }

    /// <summary>Copies of a layer's module state (parameters and buffers by name), detached from autograd: what a
    /// replica loads. The copies belong to the caller's dispose scope.</summary>
    public static Dictionary<string, Tensor> StateOf(IFFLayer layer) =>
        layer.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    /// <summary>Model-driven negatives and diagnostics read a network's goodness: layers that learn from positives and negatives.</summary>
    public static Objective ObjectiveOf(LayerSpec spec) => spec.FFObjective
        ?? throw new ArgumentException($"layer {spec.Index}: model-driven negatives and goodness diagnostics read FF layers scored by their goodness, not '{spec.Kind}' layers");

    /// <summary>Layer <paramref name="layer"/>'s output for its input (autograd as the caller has it).</summary>
    public Tensor Forward(int layer, Tensor input) => layers[layer].forward(input);

    public Tensor Goodness(Tensor inputs)
    {
        Tensor? total = null;
        var h = inputs;
        for (int l = 0; l <= scored[^1]; l++)
        {
            h = layers[l].forward(h);
            if (Array.IndexOf(scored, l) < 0) continue;
            var g = objectives[l].GoodnessOf(h);
            total = total is null ? g : total.add(g, KeptScalars.One);
        }
        return total!;
    }

    public void Dispose()
    {
        foreach (var l in layers) l.Dispose();
    }
}
