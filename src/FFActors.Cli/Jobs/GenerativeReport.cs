using FFActors.Cli.Output;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Cli.Jobs;

/// <summary>
/// What a finished run of a generative network (<see cref="GenerativeCircuit"/>, e.g. PFF) adds: the test reconstruction
/// error, and generations.png in the run folder: random generations, class-conditioned ones (3s and 5s, as the seed's
/// figure shows), and test inputs over their reconstructions.
/// </summary>
public static class GenerativeReport
{
    public const string PictureFile = "generations.png";

    /// <summary>Classes the picture generates rows of, as the seed's figure does.</summary>
    static readonly int[] ConditionedClasses = [3, 5];

    const int Columns = 10, RandomRows = 3, RowsPerClass = 2;

    /// <summary>Measures and draws; null when the network does not generate.</summary>
    public static (double Reconstruction, double MeanImage)? Write(string folder, FFConfig config, DataSplits data, FFNetwork net)
    {
        var circuit = GenerativeCircuit.Of(net);
        if (circuit is null) return null;
        int side = data.Info.Side;
        if (side * side != data.Train.Features) return null;
        var overlay = LabelOverlay.For(config.Model) with { Classes = data.Info.Classes };
        // A label block after the image (model.label-input = block) is cut off: the picture is the image's columns.
        Tensor ToPixels(Tensor x) => DatasetLoader.ToUnitRange(x.narrow(1, 0, data.Train.Features), data.Info, config.Data.Normalization);
        var error = circuit.ReconstructionError(data.Train, data.Test, overlay, ToPixels);

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var prior = circuit.FitPrior(data.Train, overlay, data.Info.Classes);
        using var random = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Generation));
        var classes = Enumerable.Range(0, RandomRows * Columns)
            .Select(_ => (int)randint(0, data.Info.Classes, [1], generator: random).item<long>())
            .Concat(ConditionedClasses.SelectMany(c => Enumerable.Repeat(c, RowsPerClass * Columns))).ToArray();
        var generated = ToPixels(circuit.Decode(prior.Sample(classes, random))).clamp(KeptScalars.Of(0.0), KeptScalars.One);
        var test = overlay.Apply(data.Test.Rows(0, Columns), data.Test.Labels.narrow(0, 0, Columns));
        var inputs = ToPixels(test).clamp(KeptScalars.Of(0.0), KeptScalars.One);
        var rebuilt = ToPixels(circuit.Reconstruct(test)).clamp(KeptScalars.Of(0.0), KeptScalars.One);

        var groups = new List<ImageGrid.Group>
        {
            new("random", generated.narrow(0, 0, RandomRows * Columns)),
        };
        for (int i = 0; i < ConditionedClasses.Length; i++)
            groups.Add(new($"class {ConditionedClasses[i]}", generated.narrow(0, (RandomRows + i * RowsPerClass) * Columns, RowsPerClass * Columns)));
        groups.Add(new("test input", inputs));
        groups.Add(new("reconstruction", rebuilt));
        ImageGrid.Save(Path.Combine(folder, PictureFile), groups, Columns, side,
            $"{config.Data.Dataset} {config.Model.Kind.Name}: {RandomRows} rows random, {RowsPerClass} rows each of class {string.Join(" and ", ConditionedClasses)}, " +
            $"then test inputs over their reconstructions");
        return error;
    }
}
