using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;
using FFActors.TestSupport;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests;

public class DatasetTests
{
    /// <summary>n samples whose single feature and label both equal the sample index.</summary>
    static Dataset Indexed(int n) => new("indexed",
        arange(KeptScalars.Of(n), dtype: ScalarType.Float32).unsqueeze(1).mul(ones([1, 3])),
        arange(KeptScalars.Of(n), dtype: ScalarType.Int64));

    /// <summary>Labels of each batch of one epoch; also checks every row still matches its label.</summary>
    static List<long[]> Epoch(Dataset ds, int batchSize, Generator? gen)
    {
        var batches = new List<long[]>();
        foreach (var (x, y) in ds.Batches(batchSize, gen))
        {
            using (x)
            using (y)
            {
                Assert.Equal(ds.Features, x.shape[1]);
                var labels = Tensors.Longs(y);
                var rows = Tensors.Floats(x);
                for (int i = 0; i < labels.Length; i++)
                    for (int f = 0; f < 3; f++) Assert.Equal(labels[i], (long)rows[i * 3 + f]);
                batches.Add(labels);
            }
        }
        return batches;
    }

    [Fact]
    public void Shuffled_epoch_yields_every_index_exactly_once()
    {
        using var ds = Indexed(1000);
        using var gen = new Generator(5);
        var first = Epoch(ds, 64, gen);
        var second = Epoch(ds, 64, gen);

        foreach (var epoch in new[] { first, second })
        {
            Assert.Equal(16, epoch.Count);
            Assert.All(epoch.Take(15), b => Assert.Equal(64, b.Length));
            Assert.Equal(1000 - 15 * 64, epoch[^1].Length);
            var all = epoch.SelectMany(b => b).ToArray();
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), all.Order());
            Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i), all); // actually shuffled
        }
        Assert.NotEqual(first.SelectMany(b => b), second.SelectMany(b => b)); // fresh permutation per epoch
    }

    [Fact]
    public void Shuffled_order_depends_only_on_the_generator_seed()
    {
        using var ds = Indexed(200);
        using var a = new Generator(11);
        using var b = new Generator(11);
        using var c = new Generator(12);
        var ea = Epoch(ds, 50, a).SelectMany(x => x).ToArray();
        Assert.Equal(ea, Epoch(ds, 50, b).SelectMany(x => x));
        Assert.NotEqual(ea, Epoch(ds, 50, c).SelectMany(x => x));
    }

    [Fact]
    public void Without_generator_batches_are_in_order_with_a_partial_last_batch()
    {
        using var ds = Indexed(10);
        var batches = Epoch(ds, 4, null);
        Assert.Equal(3, batches.Count);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, batches[0]);
        Assert.Equal(new long[] { 4, 5, 6, 7 }, batches[1]);
        Assert.Equal(new long[] { 8, 9 }, batches[2]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(25)]
    public void Batch_size_zero_or_larger_than_the_set_is_one_full_batch(int batchSize)
    {
        using var ds = Indexed(10);
        using var gen = new Generator(1);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, Assert.Single(Epoch(ds, batchSize, null)));
        Assert.Equal(10, Assert.Single(Epoch(ds, batchSize, gen)).Length);
    }

    [Fact]
    public void Mismatched_images_and_labels_are_rejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new Dataset("bad", zeros([3, 2]), zeros([4], dtype: ScalarType.Int64)));
        Assert.Contains("bad", e.Message);
    }

    [Fact]
    public void Mnist_with_limits_and_validation_has_the_right_counts_and_normalisation()
    {
        using var splits = Mnist.Load(trainLimit: 3000, testLimit: 1000, validation: 500);
        Assert.Same(DatasetInfo.Mnist, splits.Info);
        Assert.Equal(2500, splits.Train.Count);
        Assert.NotNull(splits.Validation);
        Assert.Equal(500, splits.Validation!.Count);
        Assert.Equal(1000, splits.Test.Count);
        Assert.Equal(784, splits.Train.Features);

        using var scope = NewDisposeScope();
        var train = splits.Train.All();
        double mean = train.mean().item<float>();
        double std = train.std().item<float>();
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std, 0.9, 1.1);
        // The pixel minimum maps to (0 − 0.1307) / 0.3081.
        Assert.Equal(-0.1307 / 0.3081, train.min().item<float>(), 4);

        // The first MNIST training labels (5 0 4 1 9 2 1 3 1 4) and every class present.
        Assert.Equal(new long[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, Tensors.Longs(splits.Train.Labels.narrow(0, 0, 10)));
        Assert.Equal(10, Tensors.Longs(splits.Train.Labels).Distinct().Count());
        // The first MNIST test labels (7 2 1 0 4 1 4 9 5 9).
        Assert.Equal(new long[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, Tensors.Longs(splits.Test.Labels.narrow(0, 0, 10)));

        // Validation is the END of the (limited) training data, train the start.
        using var whole = Mnist.Load(trainLimit: 3000, testLimit: 1);
        Assert.Null(whole.Validation);
        Assert.Equal(3000, whole.Train.Count);
        Assert.Equal(1, whole.Test.Count);
        Assert.True(Same(whole.Train.Rows(0, 2500), splits.Train.All()));
        Assert.True(Same(whole.Train.Rows(2500, 500), splits.Validation.All()));
        Assert.True(Same(whole.Train.Labels.narrow(0, 2500, 500), splits.Validation.Labels));
    }

    [Fact]
    public void Mnist_full_sizes_and_unit_normalisation()
    {
        using var splits = Mnist.Load(normalization: Normalization.Unit);
        Assert.Equal(60_000, splits.Train.Count);
        Assert.Equal(10_000, splits.Test.Count);
        using var scope = NewDisposeScope();
        var x = splits.Train.All();
        Assert.Equal(0f, x.min().item<float>());
        Assert.Equal(1f, x.max().item<float>());
        Assert.Equal(0.1307, x.mean().item<float>(), 3);
        Assert.Equal(0.3081, x.std().item<float>(), 3);
    }

    [Theory]
    [InlineData(Normalization.MeanStd)]
    [InlineData(Normalization.Unit)]
    [InlineData(Normalization.Symmetric)]
    [InlineData(Normalization.None)]
    public void Pixels_kept_as_bytes_read_as_the_normalised_floats_in_any_batch_order(Normalization normalization)
    {
        using var splits = Mnist.Load(trainLimit: 1000, testLimit: 1, normalization: normalization);
        var pixels = IdxPixels(1000);
        // The normalisation written out in float32 arithmetic, pixel by pixel.
        float mean = (float)DatasetInfo.Mnist.Mean, std = (float)DatasetInfo.Mnist.Std;
        float Expected(byte p) => normalization switch
        {
            Normalization.MeanStd => (p / 255f - mean) / std,
            Normalization.Unit => p / 255f,
            Normalization.Symmetric => p / 127.5f - 1f,
            _ => p,
        };

        using var gen = new Generator(3);
        var seen = new bool[1000];
        foreach (var ((x, y), perm) in splits.Train.Batches(64, gen).Zip(Permutation(1000, 64, 3)))
        {
            using (x) using (y)
            {
                Assert.Equal(ScalarType.Float32, x.dtype);
                var rows = Tensors.Floats(x);
                for (int i = 0; i < perm.Length; i++)
                {
                    seen[perm[i]] = true;
                    for (int f = 0; f < 784; f++)
                        Assert.Equal(BitConverter.SingleToInt32Bits(Expected(pixels[perm[i] * 784 + f])), BitConverter.SingleToInt32Bits(rows[i * 784 + f]));
                }
            }
        }
        Assert.All(seen, Assert.True);
        using var part = splits.Train.Rows(990, 10);
        Assert.Equal(Tensors.Floats(splits.Train.All()).AsSpan(990 * 784).ToArray(), Tensors.Floats(part));
    }

    /// <summary>The first <paramref name="n"/> images of the shipped MNIST training file, as stored.</summary>
    static byte[] IdxPixels(int n) =>
        IdxReader.ReadImages(Path.Combine(RepoPaths.Data, "mnist", "train-images-idx3-ubyte.gz")).Pixels.AsSpan(0, n * 784).ToArray();

    /// <summary>The row indices of each batch that <see cref="BatchOrder"/> draws for <paramref name="seed"/>.</summary>
    static IEnumerable<long[]> Permutation(int count, int batch, ulong seed)
    {
        using var gen = new Generator(seed);
        foreach (var (_, _, idx) in BatchOrder.Of(count, batch, gen, CPU)) yield return Tensors.Longs(idx!);
    }

    [Fact]
    public void Validation_not_smaller_than_the_training_set_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Mnist.Load(trainLimit: 100, testLimit: 10, validation: 100));
        Assert.Contains("data.validation", e.Message);
    }
}
