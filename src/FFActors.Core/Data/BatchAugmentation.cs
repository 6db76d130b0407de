using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>
/// Random shifts, left-right flips, rotations and zooms of a batch of square single-channel images stored as rows.
/// The draws for a batch depend only on the run seed, the epoch and the batch number, so a batch
/// rebuilt for replay, or built by another execution mode, is augmented exactly the same way.
/// </summary>
public sealed class BatchAugmentation
{
    readonly AugmentOptions options;
    readonly int side;
    readonly float blank;
    readonly long seed;

    public BatchAugmentation(AugmentOptions options, int features, float blank, long runSeed)
    {
        side = ImageSide(options, features);
        this.options = options;
        this.blank = blank;
        seed = SeedStreams.Derive(runSeed, SeedStreams.Augment);
    }

    /// <summary>The side of the square images <paramref name="options"/> can augment; throws naming the key when it cannot.</summary>
    public static int ImageSide(AugmentOptions options, int features)
    {
        if (options.Shift < 0) throw new ArgumentException($"data.augment.shift: {options.Shift} must be at least 0");
        if (!(options.Rotate is >= 0 and <= 180)) throw new ArgumentException($"data.augment.rotate: {options.Rotate} must be in [0, 180] degrees");
        if (!(options.Scale is >= 0 and < 1)) throw new ArgumentException($"data.augment.scale: {options.Scale} must be in [0, 1)");
        int side = (int)Math.Round(Math.Sqrt(features));
        if (!options.Enabled) return side;
        if (side * side != features)
            throw new ArgumentException($"data.augment: needs square single-channel images; the data rows have {features} features");
        if (options.Shift >= side)
            throw new ArgumentException($"data.augment.shift: {options.Shift} must be in [0, {side - 1}] for {side}x{side} images");
        return side;
    }

    /// <summary>The augmentation a run's configuration asks for, or null when it asks for none.</summary>
    public static BatchAugmentation? For(FFConfig config, DataSplits data) =>
        config.Data.AugmentOrDefault.Enabled
            ? new BatchAugmentation(config.Data.AugmentOrDefault, data.Train.Features,
                DatasetLoader.BlankPixel(data.Info, config.Data.Normalization), config.Run.Seed)
            : null;

    /// <summary>Augmented copy of <paramref name="images"/> [B, side²], batch <paramref name="batch"/> of epoch <paramref name="epoch"/>.</summary>
    public Tensor Apply(Tensor images, int epoch, int batch)
    {
        using var generator = new Generator((ulong)SeedStreams.Derive(seed, epoch, batch));
        long b = images.shape[0];
        using var scope = NewDisposeScope();
        var x = images.view(b, 1, side, side);
        if (options.Shift > 0) x = Shift(x, options.Shift, generator);
        if (options.Flip)
        {
            var flip = rand([b], generator: generator, device: images.device).lt(KeptScalars.Of(0.5)).view(b, 1, 1, 1);
            x = where(flip, x.flip(3), x);
        }
        if (options.Warps) x = Warp(x, generator);
        return x.reshape(b, side * side).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Each image moved by its own (dy, dx) in [-s, s]², the uncovered border blank.</summary>
    Tensor Shift(Tensor x, int s, Generator generator)
    {
        long b = x.shape[0];
        var dy = randint(-s, s + 1, [b, 1], generator: generator, dtype: ScalarType.Int64, device: x.device);
        var dx = randint(-s, s + 1, [b, 1], generator: generator, dtype: ScalarType.Int64, device: x.device);
        var padded = nn.functional.pad(x, [s, s, s, s], value: blank);
        int wide = side + 2 * s;
        var along = arange(KeptScalars.Of(side), dtype: ScalarType.Int64, device: x.device).unsqueeze(0);
        var rows = (along.add(KeptScalars.Of(s), KeptScalars.One) - dy).view(b, 1, side, 1).expand(b, 1, side, wide);
        var cols = (along.add(KeptScalars.Of(s), KeptScalars.One) - dx).view(b, 1, 1, side).expand(b, 1, side, side);
        return padded.gather(2, rows).gather(3, cols);
    }

    /// <summary>
    /// Each image rotated by its own angle in ±rotate degrees and zoomed by its own factor in 1 ± scale, about the
    /// centre, resampled bilinearly; what comes from outside the frame is blank. The draws follow the shift's and
    /// the flip's, so turning the warp on leaves those as they were.
    /// </summary>
    Tensor Warp(Tensor x, Generator generator)
    {
        long b = x.shape[0];
        var angle = rand([b], generator: generator, dtype: ScalarType.Float64).mul(KeptScalars.Of(2)).sub(KeptScalars.Of(1)).mul(KeptScalars.Of(options.Rotate * Math.PI / 180));
        var zoom = rand([b], generator: generator, dtype: ScalarType.Float64).mul(KeptScalars.Of(2)).sub(KeptScalars.Of(1)).mul(KeptScalars.Of(options.Scale)).add(KeptScalars.Of(1), KeptScalars.One);
        // affine_grid maps each output pixel to where it samples the input: the inverse of the drawn transform.
        var cos = angle.cos().div(zoom);
        var sin = angle.sin().div(zoom);
        var zero = zeros([b], dtype: ScalarType.Float64);
        var theta = stack([cos, sin.neg(), zero, sin, cos, zero], 1).view(b, 2, 3).to(x.dtype).to(x.device);
        var grid = nn.functional.affine_grid(theta, [b, 1, side, side], align_corners: false);
        // grid_sample fills with zeros outside the frame: warp the difference from the blank pixel.
        return nn.functional.grid_sample(x.sub(KeptScalars.Of(blank)), grid, align_corners: false).add(KeptScalars.Of(blank), KeptScalars.One);
    }
}
