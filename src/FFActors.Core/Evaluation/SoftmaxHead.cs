using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// A linear softmax classifier on the normalised activities of chosen layers, computed with the
/// neutral label overlay: FF's label-free readout (Hinton §3.3). Only the head is trained.
/// </summary>
public sealed class SoftmaxHead : nn.Module<Tensor, Tensor>
{
    readonly Linear linear;

    public SoftmaxHead(int features, int classes, Generator init) : base("softmax_head")
    {
        linear = nn.Linear(features, classes);
        RegisterComponents();
        UniformInit.Fill(linear.weight!, 1.0 / Math.Sqrt(features), init);
        using (no_grad()) linear.bias!.zero_();
    }

    public override Tensor forward(Tensor features) => linear.forward(features);

    /// <summary>Concatenated normalised activities of <paramref name="layers"/> for images x (neutral label).</summary>
    public static Tensor Features(FFNetwork net, Tensor x, LabelOverlay overlay, int[] layers)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var acts = net.Activities(net.LabelDriven ? x : overlay.Neutral(x), layers.Max());
        var parts = layers.Select(l => net.Layers[l].Features(acts[l])).ToArray();
        return cat(parts, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The features of every row of <paramref name="data"/>, computed in batches of <paramref name="batchSize"/>.</summary>
    public static FeatureRows Features(FFNetwork net, Dataset data, LabelOverlay overlay, int[] layers, int batchSize)
    {
        var rows = new FeatureRows(data.Count);
        foreach (var (x, y) in data.Batches(batchSize, null))
        {
            using (x) using (y) rows.Add(Features(net, x, overlay, layers));
        }
        return rows;
    }

    /// <summary>Trains the head on precomputed features with Adam and cross-entropy.</summary>
    /// <param name="onEpoch">Called with the 0-based epoch after each pass (e.g. to record a validation curve).</param>
    public void Fit(ILabelledRows train, int epochs, int batchSize, double learningRate, Generator shuffle, Action<int>? onEpoch = null)
    {
        using var opt = optim.Adam(parameters(), learningRate);
        for (int e = 0; e < epochs; e++)
        {
            CrossEntropyEpoch.Run(this, opt, train, batchSize, shuffle);
            onEpoch?.Invoke(e);
        }
    }

    /// <inheritdoc cref="Fit(ILabelledRows, int, int, double, Generator, Action{int}?)"/>
    public void Fit(Tensor features, Tensor labels, int epochs, int batchSize, double learningRate, Generator shuffle, Action<int>? onEpoch = null)
    {
        using var train = new Dataset("head-train", features.alias(), labels.alias());
        Fit(train, epochs, batchSize, learningRate, shuffle, onEpoch);
    }

    public double Accuracy(ILabelledRows test, int batchSize)
    {
        using var _ = no_grad();
        long correct = 0;
        foreach (var (x, y) in test.Batches(batchSize, null))
        {
            using var scope = NewDisposeScope();
            using (x) using (y) correct += forward(x).argmax(1).eq(y).sum().item<long>();
        }
        return (double)correct / test.Count;
    }

    public double Accuracy(Tensor features, Tensor labels, int batchSize)
    {
        using var test = new Dataset("head-test", features.alias(), labels.alias());
        return Accuracy(test, batchSize);
    }
}
