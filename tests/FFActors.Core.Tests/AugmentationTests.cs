using FFActors.Core.Data;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public class AugmentationTests
{
    const int Side = 6;
    const float Blank = -0.5f;

    /// <summary>Images whose pixels are all distinct and differ from the blank value.</summary>
    static Tensor Images(int n) => arange(KeptScalars.Of(n * Side * Side), dtype: ScalarType.Float32).view(n, Side * Side).add(KeptScalars.Of(1), KeptScalars.One);

    /// <summary>Image <paramref name="img"/> moved by (dy, dx), the uncovered border blank.</summary>
    static float[] Moved(float[] img, int dy, int dx)
    {
        var o = new float[Side * Side];
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
            {
                int sr = r - dy, sc = c - dx;
                o[r * Side + c] = sr is >= 0 and < Side && sc is >= 0 and < Side ? img[sr * Side + sc] : Blank;
            }
        return o;
    }

    static float[] Mirrored(float[] img)
    {
        var o = new float[Side * Side];
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++) o[r * Side + c] = img[r * Side + Side - 1 - c];
        return o;
    }

    static float[] Row(float[] all, int i) => all.AsSpan(i * Side * Side, Side * Side).ToArray();

    [Fact]
    public void Every_image_is_itself_moved_by_at_most_the_shift_and_the_moves_vary()
    {
        const int n = 64, s = 2;
        using var x = Images(n);
        var aug = new BatchAugmentation(new AugmentOptions(Shift: s), Side * Side, Blank, runSeed: 3);
        using var y = aug.Apply(x, epoch: 0, batch: 0);
        Assert.Equal(new long[] { n, Side * Side }, y.shape);
        var before = Tensors.Floats(x);
        var after = Tensors.Floats(y);
        var moves = new HashSet<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            var found = (from dy in Enumerable.Range(-s, 2 * s + 1)
                         from dx in Enumerable.Range(-s, 2 * s + 1)
                         where Moved(Row(before, i), dy, dx).SequenceEqual(Row(after, i))
                         select (dy, dx)).ToList();
            Assert.Single(found);
            moves.Add(found[0]);
        }
        // 64 draws from 25 moves: far more than a handful of distinct ones, and the identity is not the only one.
        Assert.True(moves.Count >= 10, $"only {moves.Count} distinct moves");
    }

    [Fact]
    public void Flip_mirrors_about_half_the_images_and_leaves_the_rest()
    {
        const int n = 200;
        using var x = Images(n);
        var aug = new BatchAugmentation(new AugmentOptions(Flip: true), Side * Side, Blank, runSeed: 3);
        using var y = aug.Apply(x, epoch: 1, batch: 4);
        var before = Tensors.Floats(x);
        var after = Tensors.Floats(y);
        int flipped = 0;
        for (int i = 0; i < n; i++)
        {
            bool same = Row(before, i).SequenceEqual(Row(after, i));
            bool mirrored = Mirrored(Row(before, i)).SequenceEqual(Row(after, i));
            Assert.True(same ^ mirrored, $"image {i} is neither itself nor its mirror");
            if (mirrored) flipped++;
        }
        Assert.InRange(flipped, 70, 130);
    }

    [Fact]
    public void The_draws_depend_only_on_seed_epoch_and_batch()
    {
        using var x = Images(32);
        var options = new AugmentOptions(Shift: 2, Flip: true);
        var a = new BatchAugmentation(options, Side * Side, Blank, runSeed: 11);
        var b = new BatchAugmentation(options, Side * Side, Blank, runSeed: 11);
        using var first = a.Apply(x, 2, 5);
        using var other = a.Apply(x, 0, 0);
        using var again = b.Apply(x, 2, 5);
        using var nextBatch = a.Apply(x, 2, 6);
        using var nextEpoch = a.Apply(x, 3, 5);
        using var otherSeed = new BatchAugmentation(options, Side * Side, Blank, runSeed: 12).Apply(x, 2, 5);
        Assert.True(Tensors.Same(first, again));
        Assert.False(Tensors.Same(first, nextBatch));
        Assert.False(Tensors.Same(first, nextEpoch));
        Assert.False(Tensors.Same(first, otherSeed));
    }

    const int Wide = 28;

    /// <summary>Images of <see cref="Wide"/>² pixels, blank but for ink of 1 above blank where <paramref name="ink"/> says.</summary>
    static Tensor Drawn(int n, Func<int, int, bool> ink)
    {
        var pixels = new float[n * Wide * Wide];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < Wide; r++)
                for (int c = 0; c < Wide; c++)
                    pixels[(i * Wide + r) * Wide + c] = ink(r, c) ? Blank + 1 : Blank;
        return tensor(pixels).view(n, Wide * Wide);
    }

    [Fact]
    public void A_blank_image_stays_exactly_blank_under_rotation_and_zoom()
    {
        using var x = Drawn(8, (_, _) => false);
        var aug = new BatchAugmentation(new AugmentOptions(Rotate: 30, Scale: 0.2), Wide * Wide, Blank, runSeed: 1);
        using var y = aug.Apply(x, 0, 0);
        Assert.True(Tensors.Same(x, y));
    }

    [Fact]
    public void Rotation_turns_a_bar_out_of_its_rows_and_keeps_its_ink()
    {
        const int n = 64;
        // A horizontal bar through the centre, 2 rows high and 16 columns long: inside the frame at every angle.
        using var x = Drawn(n, (r, c) => r is 13 or 14 && c is >= 6 and < 22);
        var aug = new BatchAugmentation(new AugmentOptions(Rotate: 45), Wide * Wide, Blank, runSeed: 2);
        using var y = aug.Apply(x, 0, 0);
        using var ink = y.sub(KeptScalars.Of(Blank)).view(n, Wide, Wide);
        var total = Tensors.Floats(ink.sum([1, 2]));
        var inRows = Tensors.Floats(ink.narrow(1, 13, 2).sum([1, 2]));
        for (int i = 0; i < n; i++) Assert.InRange(total[i], 32 * 0.95f, 32 * 1.05f);
        int turned = Enumerable.Range(0, n).Count(i => inRows[i] < 0.5f * total[i]);
        int kept = Enumerable.Range(0, n).Count(i => inRows[i] > 0.8f * total[i]);
        // Angles are uniform in ±45°: most turn the bar well out of its two rows, a few (|angle| ≲ 3°) barely move it.
        Assert.True(turned >= n / 2, $"only {turned} of {n} bars left their rows");
        Assert.True(kept >= 1, "no bar stayed in its rows");
    }

    [Fact]
    public void Zoom_scales_a_centred_square_by_the_drawn_factor_squared_within_the_range()
    {
        const int n = 64;
        const double scale = 0.25;
        using var x = Drawn(n, (r, c) => r is >= 9 and < 19 && c is >= 9 and < 19);
        var aug = new BatchAugmentation(new AugmentOptions(Scale: scale), Wide * Wide, Blank, runSeed: 3);
        using var y = aug.Apply(x, 1, 2);
        var ratio = Tensors.Floats(y.sub(KeptScalars.Of(Blank)).sum(1)).Select(v => v / 100f).ToArray();
        foreach (var r in ratio) Assert.InRange(r, Math.Pow(1 - scale, 2) - 0.05, Math.Pow(1 + scale, 2) + 0.05);
        Assert.Contains(ratio, r => r < 0.85);
        Assert.Contains(ratio, r => r > 1.15);
    }

    [Fact]
    public void Warped_batches_depend_only_on_seed_epoch_and_batch()
    {
        using var x = Drawn(16, (r, c) => (r * 7 + c * 3) % 5 == 0);
        var options = new AugmentOptions(Shift: 1, Rotate: 10, Scale: 0.1);
        using var first = new BatchAugmentation(options, Wide * Wide, Blank, runSeed: 4).Apply(x, 1, 1);
        using var again = new BatchAugmentation(options, Wide * Wide, Blank, runSeed: 4).Apply(x, 1, 1);
        using var next = new BatchAugmentation(options, Wide * Wide, Blank, runSeed: 4).Apply(x, 1, 2);
        Assert.True(Tensors.Same(first, again));
        Assert.False(Tensors.Same(first, next));
    }

    [Theory]
    [InlineData(-1.0, 0.0, "data.augment.rotate:")]
    [InlineData(181.0, 0.0, "data.augment.rotate:")]
    [InlineData(0.0, 1.0, "data.augment.scale:")]
    [InlineData(0.0, -0.1, "data.augment.scale:")]
    public void Rotation_and_zoom_out_of_range_name_their_key(double rotate, double scale, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => BatchAugmentation.ImageSide(new AugmentOptions(Rotate: rotate, Scale: scale), 784));
        Assert.StartsWith(key, e.Message);
    }

    [Theory]
    [InlineData(784, 2, null)]
    [InlineData(784, 28, "data.augment.shift:")]
    [InlineData(785, 2, "data.augment:")]
    [InlineData(36, 6, "data.augment.shift:")]
    [InlineData(36, -1, "data.augment.shift:")]
    public void Image_side_names_the_key_of_what_cannot_be_augmented(int features, int shift, string? key)
    {
        var options = new AugmentOptions(Shift: shift);
        if (key is null)
        {
            Assert.Equal(28, BatchAugmentation.ImageSide(options, features));
            return;
        }
        var e = Assert.Throws<ArgumentException>(() => BatchAugmentation.ImageSide(options, features));
        Assert.StartsWith(key, e.Message);
    }

    [Fact]
    public void Epoch_batches_augment_only_the_images_and_keep_rows_with_their_labels()
    {
        using var data = Mnist.Load(trainLimit: 300, testLimit: 10);
        var config = new FFConfig(new Platform.RunOptions(Seed: 5), new DataOptions(Augment: new AugmentOptions(Shift: 2)),
            new Layers.ModelOptions([784, 10]), new TrainOptions(), new Evaluation.EvalOptions());
        var aug = BatchAugmentation.For(config, data)!;
        using var g1 = new Generator(9);
        using var g2 = new Generator(9);
        using var plain = new EpochBatches(data.Train, 100, g1);
        using var moved = new EpochBatches(data.Train, 100, g2, aug, epoch: 0);
        var (px, py, pi) = plain.Get(1);
        var (mx, my, mi) = moved.Get(1);
        Assert.True(Tensors.Same(pi, mi));
        Assert.True(Tensors.Same(py, my));
        Assert.False(Tensors.Same(px, mx));
        // Same ink, moved: a shift of at most 2 px rarely pushes a centred digit's strokes out of the frame.
        float blank = DatasetLoader.BlankPixel(data.Info, Normalization.MeanStd);
        Assert.Equal(-0.1307f / 0.3081f, blank, 5);
        using var inkPlain = px.gt(KeptScalars.Of(blank + 1e-3f)).sum(1);
        using var inkMoved = mx.gt(KeptScalars.Of(blank + 1e-3f)).sum(1);
        Assert.True((inkPlain - inkMoved).abs().max().item<long>() <= 40);
        using var g3 = new Generator(9);
        using var rebuilt = new EpochBatches(data.Train, 100, g3, aug, epoch: 0);
        var (rx, _, _) = rebuilt.Get(1);
        Assert.True(Tensors.Same(mx, rx));
    }
}
