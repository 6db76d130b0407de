using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// <see cref="INegativeModel"/> over an <see cref="FFNetwork"/>: goodness summed over
/// <see cref="Layers"/> (use the evaluation's score layers so "hard" means hard for the classifier
/// that is reported). It reads the live weights, so every batch sees the network as it is now.
/// </summary>
public sealed class NetworkView : INegativeModel
{
    readonly FFNetwork net;
    int[] layers;

    public NetworkView(FFNetwork net, IEnumerable<int> layers)
    {
        this.net = net;
        this.layers = Check(net, layers);
    }

    /// <summary>
    /// Layers whose goodness is summed. Settable so the greedy schedule can restrict it to the layers
    /// trained so far (as its per-layer validation does).
    /// </summary>
    public IReadOnlyList<int> Layers
    {
        get => layers;
        set => layers = Check(net, value);
    }

    public Tensor Goodness(Tensor inputs)
    {
        int deepest = layers.Max();
        Tensor? total = null;
        var h = inputs;
        for (int l = 0; l <= deepest; l++)
        {
            // Module.forward rather than IFFLayer.Forward: the latter always disables autograd,
            // and the adversarial strategy needs the gradient with respect to the input.
            h = net.Layers[l].Module.forward(h);
            if (Array.IndexOf(layers, l) < 0) continue;
            var g = net.Layers[l].Score(h);
            total = total is null ? g : total.add(g, KeptScalars.One);
        }
        return total!;
    }

    static int[] Check(FFNetwork net, IEnumerable<int> layers)
    {
        var result = layers.Distinct().Order().ToArray();
        if (result.Length == 0) throw new ArgumentException("NetworkView: no layers to score");
        foreach (int l in result)
            if (l < 0 || l >= net.Layers.Count) throw new ArgumentException($"NetworkView: layer {l} does not exist (the model has layers 0..{net.Layers.Count - 1})");
        return result;
    }
}
