using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>
/// Random shifts and left-right flips of a batch of square single-channel images stored as rows.
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
            var flip = rand([b], generator: generator, device: images.device).lt(0.5).view(b, 1, 1, 1);
            x = where(flip, x.flip(3), x);
        }
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
        var along = arange(side, dtype: ScalarType.Int64, device: x.device).unsqueeze(0);
        var rows = (along + s - dy).view(b, 1, side, 1).expand(b, 1, side, wide);
        var cols = (along + s - dx).view(b, 1, 1, side).expand(b, 1, side, side);
        return padded.gather(2, rows).gather(3, cols);
    }
}
