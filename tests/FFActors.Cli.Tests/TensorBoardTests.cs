using FFActors.Cli.Commands;
using FFActors.Cli.Output;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;

namespace FFActors.Cli.Tests;

/// <summary>TensorBoard event files, read back record by record as TensorBoard reads them.</summary>
public class TensorBoardTests
{
    /// <summary>The TFRecord frames of an event file: u64 length, u32 masked CRC, the event, u32 masked CRC.</summary>
    static List<Tensorboard.Event> ReadEvents(string dir)
    {
        var events = new List<Tensorboard.Event>();
        foreach (var file in Directory.GetFiles(dir, "events.out.tfevents.*"))
        {
            using var r = new BinaryReader(File.OpenRead(file));
            while (r.BaseStream.Position < r.BaseStream.Length)
            {
                long length = r.ReadInt64();
                r.ReadUInt32();
                events.Add(Tensorboard.Event.Parser.ParseFrom(r.ReadBytes((int)length)));
                r.ReadUInt32();
            }
        }
        return events;
    }

    static Dictionary<(string Tag, long Step), float> Scalars(IEnumerable<Tensorboard.Event> events) =>
        events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (Key: (v.Tag, e.Step), v.SimpleValue))).ToDictionary(x => x.Key, x => x.SimpleValue);

    [Fact]
    public void Every_epoch_and_layer_metric_reads_back_with_its_step()
    {
        var dir = Path.Combine(TempFolder.New(), "tensorboard");
        var metrics = new[]
        {
            new EpochMetrics(1, 0, 2.5, 400, [new LayerEpochStats(0, 0.7, 10, 5, 0.6, 0.01, 0.001), new LayerEpochStats(1, 0.9, 8, 6, 0.55, 0.02, 0.001)], 0.5),
            new EpochMetrics(2, 0, 2.0, 500, [new LayerEpochStats(0, 0.4, 12, 4, 0.8, 0.01, 0.0005), new LayerEpochStats(1, 0.6, 9, 5, 0.7, 0.03, 0.0005)], 0.75),
        };
        TensorBoardLog.Write(dir, metrics, new EvaluationResult(0.91, [1], 0.93, [1], 1.0));
        // Written again (a resumed run): the history is replaced, not doubled.
        TensorBoardLog.Write(dir, metrics, new EvaluationResult(0.91, [1], 0.93, [1], 1.0));

        var events = ReadEvents(dir);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var s = Scalars(events);
        Assert.Equal(500f, s[("epoch/samples_per_s", 2)]);
        Assert.Equal(0.75f, s[("epoch/validation_accuracy", 2)]);
        Assert.Equal(0.9f, s[("layer1/loss", 1)]);
        Assert.Equal(12f, s[("layer0/goodness_pos", 2)]);
        Assert.Equal(5f, s[("layer1/goodness_neg", 2)]);
        Assert.Equal(0.7f, s[("layer1/separation", 2)]);
        Assert.Equal(0.0005f, s[("layer0/lr", 2)]);
        Assert.Equal(0.93f, s[("test/head_accuracy", 2)]);
        Assert.Equal(0.91f, s[("test/goodness_accuracy", 2)]);
        Assert.Equal(2 * (3 + 2 * 6) + 2, events.Count(e => e.Summary is not null));
    }

    [Fact]
    public void Train_with_tensorboard_writes_the_run_metrics_into_the_run_folder()
    {
        var outDir = TempFolder.New();
        string[] sets = [$"data.dir={RepoPaths.Data}", "data.train-limit=1000", "data.test-limit=200", "model.layers=[784, 32, 32]", "train.epochs=2",
            "eval.head.epochs=1", $"run.out-dir={outDir}", "run.name=tb", "run.threads=1"];
        Assert.Equal(0, TrainCommand.Run(null, sets, output: new RunOutput(null, Json: false, TensorBoard: true)));
        var s = Scalars(ReadEvents(Path.Combine(outDir, "tb", TensorBoardLog.Folder)));
        Assert.Contains(("layer1/separation", 2L), s.Keys);
        Assert.Contains(("test/head_accuracy", 2L), s.Keys);
        Assert.DoesNotContain(s.Keys, k => k.Step > 2);
    }
}
