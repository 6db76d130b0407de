using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Data;

/// <summary>Loads a dataset's IDX files into device-resident tensors.</summary>
public static class DatasetLoader
{
    public static DataSplits Load(DataOptions options, Device device)
    {
        var info = DatasetInfo.Find(options.Dataset)
            ?? throw new ArgumentException($"data.dataset: unknown dataset '{options.Dataset}' (expected {string.Join(" or ", DatasetInfo.All.Select(d => d.Name))})");
        var folder = Path.Combine(options.Dir, info.Folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{folder}: dataset folder not found (data.dir = {options.Dir})");

        // Image sizes are checked from the headers before anything is decoded: a test set of another size than the
        // training set would only fail once evaluation feeds it to the first layer.
        CheckSide(info, ImagesPath(folder, "train"));
        CheckSide(info, ImagesPath(folder, "t10k"));
        var trainAll = LoadSplit(info, folder, "train", options.Normalization, options.TrainLimit, device);
        var test = LoadSplit(info, folder, "t10k", options.Normalization, options.TestLimit, device);
        if (options.Validation <= 0) return new DataSplits(info, trainAll, null, test);

        if (options.Validation >= trainAll.Count)
        {
            int available = trainAll.Count;
            trainAll.Dispose();
            test.Dispose();
            throw new ArgumentException($"data.validation: {options.Validation} must be smaller than the {available} training samples");
        }
        int keep = trainAll.Count - options.Validation;
        var train = trainAll.Copy("train", 0, keep);
        var val = trainAll.Copy("validation", keep, options.Validation);
        trainAll.Dispose();
        return new DataSplits(info, train, val, test);
    }

    public static Dataset LoadSplit(DatasetInfo info, string folder, string prefix, Normalization normalization, int limit, Device device) =>
        FromFiles(prefix == "train" ? "train" : "test", ImagesPath(folder, prefix), Existing(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz")),
            info, normalization, limit, device);

    static string ImagesPath(string folder, string prefix) => Existing(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"));

    /// <summary>The .gz file, or the uncompressed one beside it when only that exists.</summary>
    static string Existing(string gz) => !File.Exists(gz) && File.Exists(gz[..^3]) ? gz[..^3] : gz;

    /// <summary>Throws, naming the file, when its images are not <paramref name="info"/>'s size.</summary>
    static void CheckSide(DatasetInfo info, string imagesPath)
    {
        var (rows, cols) = IdxReader.ImageSize(imagesPath);
        if (rows != info.Side || cols != info.Side)
            throw new IdxFormatException(imagesPath, $"{rows}×{cols} images, but {info.Name} images are {info.Side}×{info.Side} " +
                $"(data.dataset = {info.Name}; a dataset of another image size is not {info.Name})");
    }

    /// <summary>What a blank (0) pixel becomes under <paramref name="normalization"/>.</summary>
    public static float BlankPixel(DatasetInfo info, Normalization normalization) => normalization switch
    {
        Normalization.MeanStd => (float)(-info.Mean / info.Std),
        Normalization.Symmetric => -1f,
        _ => 0f,
    };

    /// <summary>Model inputs <paramref name="x"/> back on the [0, 1] pixel scale (the inverse of <paramref name="normalization"/>;
    /// values outside the data's range stay outside).</summary>
    public static Tensor ToUnitRange(Tensor x, DatasetInfo info, Normalization normalization) => normalization switch
    {
        Normalization.None => x.div(KeptScalars.Of(255f)),
        Normalization.Unit => x.alias(),
        Normalization.MeanStd => x.mul(KeptScalars.Of(info.Std)).add(KeptScalars.Of(info.Mean), KeptScalars.One),
        Normalization.Symmetric => x.add(KeptScalars.One, KeptScalars.One).mul(KeptScalars.Of(0.5)),
        _ => throw new ArgumentOutOfRangeException(nameof(normalization)),
    };

    /// <remarks>Runs with one intra-op thread: the loading thread is not a training thread (<see cref="TorchSetup.OnOneThread{T}"/>).</remarks>
    public static Dataset FromFiles(string name, string imagesPath, string labelsPath, DatasetInfo info,
        Normalization normalization, int limit, Device device) =>
        TorchSetup.OnOneThread(() => Read(name, imagesPath, labelsPath, info, normalization, limit, device));

    static Dataset Read(string name, string imagesPath, string labelsPath, DatasetInfo info, Normalization normalization, int limit, Device device)
    {
        var (pixels, count, rows, cols) = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath, info.Classes);
        if (labels.Length != count)
            throw new IdxFormatException(labelsPath, $"{labels.Length} labels but {imagesPath} has {count} images");
        int n = limit > 0 ? Math.Min(limit, count) : count;
        int features = rows * cols;

        using var scope = NewDisposeScope();
        // Pixels stay bytes: each batch is normalised when it is read (Dataset.Rows).
        var x = tensor(n == count ? pixels : pixels.AsSpan(0, n * features).ToArray(), [n, features], dtype: ScalarType.Byte);
        var y = tensor(n == count ? labels : labels.AsSpan(0, n).ToArray(), [n], dtype: ScalarType.Byte).to(ScalarType.Int64);
        return Dataset.FromPixels(name, x.to(device).contiguous(), y.to(device), new PixelDecoding(info, normalization));
    }
}
