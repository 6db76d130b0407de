using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.TestSupport;

/// <summary>The shipped MNIST, and the small runs on it that the runtime and cluster tests compare bit for bit.</summary>
public static class Mnist
{
    /// <summary>MNIST from samples/data, cut to the given sizes (0 = all).</summary>
    public static DataSplits Load(int trainLimit = 0, int testLimit = 0, int validation = 0, Normalization normalization = Normalization.MeanStd) =>
        DatasetLoader.Load(new DataOptions("mnist", RepoPaths.Data, normalization, validation, trainLimit, testLimit), CPU);

    /// <summary>A fresh folder holding a copy of the shipped MNIST files (data.dir for a test that damages them); returns it.</summary>
    public static string CopyOfShippedData()
    {
        var dir = TempFolder.New();
        var mnist = Directory.CreateDirectory(Path.Combine(dir, "mnist")).FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Data, "mnist"))) File.Copy(f, Path.Combine(mnist, Path.GetFileName(f)));
        return dir;
    }

    /// <summary>The data a configuration names.</summary>
    public static DataSplits Load(FFConfig config) => DatasetLoader.Load(config.Data, CPU);

    /// <summary>
    /// A small simultaneous run on <paramref name="train"/> MNIST images (plus <paramref name="validation"/> held out) and
    /// 200 test images: 784-64-48-32 by default, peer normalisation 0.03, Adam 0.01 with linear decay, no softmax head.
    /// </summary>
    public static FFConfig Config(int[]? layers = null, int epochs = 2, int batch = 50, int train = 600, int validation = 0,
        CollaborationOptions? collab = null, double peerNorm = 0.03, long seed = 7, bool validate = false, AugmentOptions? augment = null) =>
        new(new RunOptions(Seed: seed),
            new DataOptions(Dir: RepoPaths.Data, TrainLimit: train + validation, TestLimit: 200, Validation: validation, Augment: augment),
            new ModelOptions(layers ?? [784, 64, 48, 32], PeerNorm: peerNorm),
            new TrainOptions(Schedule.Simultaneous, epochs, batch, Optimizer: new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Linear), Collaboration: collab),
            new EvalOptions(HeadEpochs: 0, BatchSize: 100, ValidateEachEpoch: validate));
}
