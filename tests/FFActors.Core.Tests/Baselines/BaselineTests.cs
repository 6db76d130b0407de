using FFActors.Core.Baselines;
using FFActors.Core.Embedding;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests.Baselines;

public class BaselineTests
{
    [Fact]
    public void Backprop_mlp_learns_mnist_and_is_reproducible_per_seed()
    {
        using var data = Mnist.Load(trainLimit: 3000, testLimit: 1000);
        double Train(long seed, out float[] weights)
        {
            using var init = new Generator((ulong)seed);
            using var order = new Generator((ulong)seed + 1);
            using var mlp = new BackpropMlp([784, 64, 64], 10, init);
            var losses = mlp.Fit(data.Train, new BackpropOptions(Epochs: 3), order);
            Assert.True(losses[1] < losses[0], $"loss did not fall: {losses[0]} → {losses[1]}");
            weights = Tensors.Floats(mlp.parameters().First());
            return mlp.Accuracy(data.Test, 500);
        }
        double acc = Train(5, out var w1);
        Train(5, out var w2);
        Train(6, out var w3);
        Assert.True(acc > 0.85, $"backprop MLP reached only {acc:P1} on MNIST");
        Assert.Equal(w1, w2);
        Assert.NotEqual(w1, w3);
    }

    [Fact]
    public void Backprop_features_are_each_chosen_layers_relu_activity_scaled_to_unit_length()
    {
        using var init = new Generator(1);
        using var mlp = new BackpropMlp([20, 8, 6], 3, init);
        using var scope = NewDisposeScope();
        var x = randn(5, 20, generator: init);
        var f = mlp.Features(x, [0, 1], InputNorm.L2);
        Assert.Equal([5L, 14L], f.shape);

        // By hand from the module's own weights: h0 = relu(x W0ᵀ + b0), h1 = relu(h0 W1ᵀ + b1), each row over (‖h‖ + 1e-4).
        var p = mlp.named_parameters().ToDictionary(n => n.name, n => n.parameter.detach());
        var h0 = nn.functional.relu(x.matmul(p["hidden.0.weight"].t()).add(p["hidden.0.bias"], KeptScalars.One));
        var h1 = nn.functional.relu(h0.matmul(p["hidden.1.weight"].t()).add(p["hidden.1.bias"], KeptScalars.One));
        Tensor Unit(Tensor h) => h / h.square().sum(1, keepdim: true).sqrt().add(KeptScalars.Of(1e-4), KeptScalars.One);
        Assert.True(f.allclose(cat([Unit(h0), Unit(h1)], 1), rtol: 1e-5, atol: 1e-6), "features are not the normalised hidden activities");
        // Every row carries activity (an all-zero feature row would also have a norm below 1).
        var norms = Floats(f.narrow(1, 8, 6).square().sum(1).sqrt());
        Assert.All(norms, n => Assert.InRange(n, 0.999f, 1.0001f));
        // Only the chosen layer: the last one's features are the second block.
        Assert.True(mlp.Features(x, [1], InputNorm.L2).allclose(Unit(h1), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Linear_probe_reports_the_last_epoch_and_a_validation_curve_of_the_budget_length()
    {
        using var data = Mnist.Load(trainLimit: 2000, testLimit: 500, validation: 500);
        var budget = new ProbeBudget(Epochs: 3, BatchSize: 100);
        using var scope = NewDisposeScope();
        var (train, validation, test) = (data.Train.All(), data.Validation!.All(), data.Test.All());
        var r = LinearProbe.Fit((train, data.Train.Labels), (validation, data.Validation.Labels), (test, data.Test.Labels), 10, budget, seed: 1);
        Assert.Equal(3, r.ValidationCurve.Length);
        Assert.Equal(r.ValidationCurve[^1], r.ValidationAccuracy);
        Assert.True(r.TestAccuracy > 0.8, $"pixel probe on MNIST: {r.TestAccuracy:P1}");
        var again = LinearProbe.Fit((train, data.Train.Labels), (validation, data.Validation.Labels), (test, data.Test.Labels), 10, budget, seed: 1);
        Assert.Equal(r.TestAccuracy, again.TestAccuracy);
        Assert.Equal(r.ValidationCurve, again.ValidationCurve);
    }

    /// <summary>Three well-separated Gaussian blobs in 10-D.</summary>
    static (Tensor X, int[] Labels) Blobs(int perClass, long seed)
    {
        using var g = new Generator((ulong)seed);
        var parts = new List<Tensor>();
        var labels = new List<int>();
        for (int c = 0; c < 3; c++)
        {
            var centre = zeros(1, 10);
            centre[0, c * 3] = tensor(8f);
            parts.Add(randn(perClass, 10, generator: g).add(centre, KeptScalars.One));
            labels.AddRange(Enumerable.Repeat(c, perClass));
        }
        return (cat(parts, 0), labels.ToArray());
    }

    /// <summary>Fraction of points whose nearest other point (in the embedding) has the same label.</summary>
    static double NeighbourPurity(Tensor y, int[] labels)
    {
        using var eye = torch.eye(labels.Length, dtype: ScalarType.Bool);
        using var d = cdist(y, y).masked_fill(eye, KeptScalars.Of(float.PositiveInfinity));
        var nn = Tensors.Longs(d.argmin(1));
        return Enumerable.Range(0, labels.Length).Count(i => labels[nn[i]] == labels[i]) / (double)labels.Length;
    }

    [Fact]
    public void Tsne_keeps_clusters_apart_and_is_reproducible()
    {
        var (x, labels) = Blobs(60, 3);
        using var _ = x;
        var options = new TsneOptions(Perplexity: 15, Iterations: 300, PcaDimensions: 0);
        using var y = Tsne.Embed(x, options, seed: 7);
        using var again = Tsne.Embed(x, options, seed: 7);
        Assert.Equal([180L, 2L], y.shape);
        Assert.True(y.isfinite().all().item<bool>());
        Assert.True(NeighbourPurity(y, labels) > 0.95, $"purity {NeighbourPurity(y, labels)}");
        Assert.True(y.allclose(again));
    }

    [Fact]
    public void Pca_projects_on_the_direction_of_largest_variance()
    {
        using var g = new Generator(2);
        using var x = randn(200, 3, generator: g) * tensor(new float[] { 0.1f, 5f, 0.1f });
        using var p = Pca.Project(x, 1);
        using var centred = x.select(1, 1) - x.select(1, 1).mean();
        var corr = (p.squeeze(1) * centred).sum().item<float>() / (p.norm().item<float>() * centred.norm().item<float>());
        Assert.True(corr > 0.99, $"correlation with the high-variance axis {corr}");
    }
}
