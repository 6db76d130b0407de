using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Vectorised sampling helpers shared by the strategies. Every draw comes from the generator passed
/// in, in a fixed order, so a strategy's output depends only on its inputs and the generator state.
/// </summary>
public static class Sampling
{
    /// <summary>
    /// The overlay with its "on" value pinned to what the positives of this batch use. With
    /// <c>Value = null</c> <see cref="LabelOverlay.Apply(Tensor, Tensor)"/> takes the maximum of the
    /// tensor it is given, so overlaying a mixed, noisy or masked image would write a different
    /// value than the positives carry: a label-slot shortcut. Pinning removes it.
    /// </summary>
    public static LabelOverlay Pinned(LabelOverlay overlay, Tensor images) =>
        overlay.Value is null ? overlay with { Value = images.max().item<float>() } : overlay;

    /// <summary>Integers uniform in [0, n) for each element of <paramref name="n"/> (int64, n ≥ 1).</summary>
    public static Tensor UniformBelow(Tensor n, Generator generator)
    {
        using var u = rand(n.shape, dtype: ScalarType.Float64, generator: generator, device: n.device);
        using var scaled = u * n.to(ScalarType.Float64);
        using var k = scaled.floor().to(ScalarType.Int64);
        return minimum(k, n - KeptScalars.Of(1));
    }

    /// <summary>Uniform doubles in [lo, hi] (exactly lo when lo = hi), one per row, as float32 [rows].</summary>
    public static Tensor UniformIn(long rows, double lo, double hi, Generator generator, Device device)
    {
        var u = rand([rows], generator: generator, device: device);
        return lo == hi ? u.zero_().add_(KeptScalars.Of(lo), KeptScalars.One) : u.mul_(KeptScalars.Of(hi - lo)).add_(KeptScalars.Of(lo), KeptScalars.One);
    }

    /// <summary>
    /// For each row i a label uniform over the classes other than <paramref name="a"/>[i] and
    /// <paramref name="b"/>[i] (C − 1 choices when they are equal, C − 2 otherwise).
    /// </summary>
    public static Tensor LabelsExcluding(Tensor a, Tensor b, int classes, Generator generator)
    {
        if (classes < 3) throw new ArgumentException($"negatives: a label wrong for two images needs at least 3 classes (have {classes})");
        using var scope = NewDisposeScope();
        var lo = minimum(a, b);
        var hi = maximum(a, b);
        var distinct = lo.ne(hi);
        var k = UniformBelow(KeptScalars.Of(classes - 1) - distinct.to(ScalarType.Int64), generator);
        var l = k.add(k.ge(lo).to(ScalarType.Int64), KeptScalars.One);
        l = l.add((l.ge(hi) & distinct).to(ScalarType.Int64), KeptScalars.One);
        return l.MoveToOuterDisposeScope();
    }

    /// <summary>For each row i an index j ≠ i uniform over the other B − 1 rows (needs B ≥ 2).</summary>
    public static Tensor OtherRows(long rows, Generator generator, Device device)
    {
        if (rows < 2) throw new ArgumentException("negatives: this strategy pairs different images and needs batches of at least 2");
        using var scope = NewDisposeScope();
        var i = arange(KeptScalars.Of(rows), dtype: ScalarType.Int64, device: device);
        var k = UniformBelow(full([rows], KeptScalars.Of(rows - 1), dtype: ScalarType.Int64, device: device), generator);
        return k.add(k.ge(i).to(ScalarType.Int64), KeptScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For each row i an index j uniform over the rows whose label differs from y_i. Rows with no
    /// such partner (the whole batch is one class) get <c>valid = false</c> and j = i.
    /// O(B log B), so it also works on full-batch training.
    /// </summary>
    public static (Tensor Partner, Tensor Valid) OtherClassRows(Tensor labels, int classes, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (order, start, count, _) = ByClass(labels, classes);
        long b = labels.shape[0];
        var n = count.index_select(0, labels);
        var s = start.index_select(0, labels);
        var others = KeptScalars.Of(b) - n;
        var valid = others.gt(KeptScalars.Of(0));
        var k = UniformBelow(others.clamp_min(KeptScalars.Of(1)), generator);
        var pos = k.add(k.ge(s).to(ScalarType.Int64) * n, KeptScalars.One).clamp_max(KeptScalars.Of(b - 1));
        var self = arange(KeptScalars.Of(b), dtype: ScalarType.Int64, device: labels.device);
        var partner = where(valid, order.index_select(0, pos), self);
        return (partner.MoveToOuterDisposeScope(), valid.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// For each row i an index j ≠ i uniform over the other rows with the same label. Rows whose
    /// class appears once in the batch get <c>valid = false</c> and j = i.
    /// </summary>
    public static (Tensor Partner, Tensor Valid) SameClassRows(Tensor labels, int classes, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (order, start, count, rank) = ByClass(labels, classes);
        long b = labels.shape[0];
        var n = count.index_select(0, labels);
        var s = start.index_select(0, labels);
        var within = rank - s;
        var others = n - KeptScalars.Of(1);
        var valid = others.gt(KeptScalars.Of(0));
        var k = UniformBelow(others.clamp_min(KeptScalars.Of(1)), generator);
        var pos = s.add(k, KeptScalars.One).add(k.ge(within).to(ScalarType.Int64), KeptScalars.One).clamp_max(KeptScalars.Of(b - 1));
        var self = arange(KeptScalars.Of(b), dtype: ScalarType.Int64, device: labels.device);
        var partner = where(valid, order.index_select(0, pos), self);
        return (partner.MoveToOuterDisposeScope(), valid.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Rows sorted by label (ties by index, so the order is deterministic): the sorting permutation,
    /// each class's start and count in it, and each row's position in it.
    /// </summary>
    static (Tensor Order, Tensor Start, Tensor Count, Tensor Rank) ByClass(Tensor labels, int classes)
    {
        long b = labels.shape[0];
        var index = arange(KeptScalars.Of(b), dtype: ScalarType.Int64, device: labels.device);
        var order = (labels * KeptScalars.Of(b)).add(index, KeptScalars.One).argsort();
        var count = labels.bincount(null, classes);
        var start = count.cumsum(0) - count;
        var rank = zeros_like(index).scatter_(0, order, index);
        return (order, start, count, rank);
    }

    /// <summary>(H, W) of square images of <paramref name="features"/> pixels, unless given explicitly.</summary>
    public static (int Height, int Width) Geometry(long features, int? height, int? width, string strategy)
    {
        if (height is int h && width is int w)
        {
            if ((long)h * w != features) throw new ArgumentException($"{strategy}: image {h}×{w} does not match {features} features");
            return (h, w);
        }
        int side = (int)Math.Round(Math.Sqrt(features));
        if ((long)side * side != features)
            throw new ArgumentException($"{strategy}: {features} features are not a square image; give its height and width");
        return (side, side);
    }
}
