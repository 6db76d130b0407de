using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Baselines;

/// <summary>
/// The backprop baseline: an MLP with the same layer sizes as the FF network (Linear + ReLU per
/// hidden layer) and a linear output layer, trained end to end with autograd and cross-entropy.
/// Its hidden activities are the features the transfer protocol compares with FF's.
/// </summary>
public sealed class BackpropMlp : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> hidden = new();
    readonly Linear output;

    public int LayerCount => hidden.Count;

    /// <param name="layers">Input size, then the width of each hidden layer (the FF network's <c>model.layers</c>).</param>
    public BackpropMlp(int[] layers, int classes, Generator init) : base("backprop_mlp")
    {
        if (layers.Length < 2) throw new ArgumentException("BackpropMlp: need an input size and at least one hidden layer");
        for (int i = 0; i + 1 < layers.Length; i++) hidden.Add(Uniform(nn.Linear(layers[i], layers[i + 1]), init));
        output = Uniform(nn.Linear(layers[^1], classes), init);
        RegisterComponents();
    }

    /// <summary>U(−1/√fan_in, 1/√fan_in) like nn.Linear's default, but from our own generator (reproducible per seed).</summary>
    static Linear Uniform(Linear linear, Generator init)
    {
        double bound = 1.0 / Math.Sqrt(linear.in_features);
        UniformInit.Fill(linear.weight!, bound, init);
        UniformInit.Fill(linear.bias!, bound, init);
        return linear;
    }

    public override Tensor forward(Tensor x)
    {
        var h = x;
        foreach (var layer in hidden) h = nn.functional.relu(layer.forward(h));
        return output.forward(h);
    }

    /// <summary>Activity of every hidden layer for x (no autograd); element ℓ is layer ℓ's ReLU output.</summary>
    public List<Tensor> Activities(Tensor x)
    {
        using var _ = no_grad();
        var result = new List<Tensor>();
        var h = x;
        foreach (var layer in hidden)
        {
            h = nn.functional.relu(layer.forward(h));
            result.Add(h);
        }
        return result;
    }

    /// <summary>
    /// The concatenated activities of <paramref name="layers"/>, each normalised as an FF layer's
    /// head input is (<paramref name="norm"/>, L2 when none), so both kinds of feature reach the
    /// probe at the same scale.
    /// </summary>
    public Tensor Features(Tensor x, int[] layers, InputNorm norm)
    {
        using var scope = NewDisposeScope();
        var acts = Activities(x);
        var parts = layers.Select(l => FFDenseLayer.Readout(acts[l], norm)).ToArray();
        return cat(parts, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Trains with Adam and cross-entropy for exactly <c>options.Epochs</c> passes; returns the mean loss of each epoch.</summary>
    public double[] Fit(Dataset train, BackpropOptions options, Generator shuffle)
    {
        using var opt = optim.Adam(parameters(), options.LearningRate);
        var losses = new double[options.Epochs];
        for (int e = 0; e < options.Epochs; e++)
            losses[e] = CrossEntropyEpoch.Run(this, opt, train, options.BatchSize, shuffle);
        return losses;
    }

    /// <summary>Accuracy of the network's own output layer on <paramref name="data"/>.</summary>
    public double Accuracy(Dataset data, int batchSize)
    {
        using var _ = no_grad();
        long correct = 0;
        foreach (var (x, y) in data.Batches(batchSize, null))
        {
            using (x)
            using (y)
            using (NewDisposeScope())
                correct += forward(x).argmax(1).eq(y).sum().item<long>();
        }
        return (double)correct / data.Count;
    }
}

/// <summary>Training budget of the backprop baseline (Adam, cross-entropy, mini-batches).</summary>
public sealed record BackpropOptions(int Epochs = 5, double LearningRate = 0.001, int BatchSize = 100);
