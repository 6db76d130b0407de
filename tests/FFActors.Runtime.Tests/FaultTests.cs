using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

public class FaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ExecutionMode.Pipeline, FaultKind.Throw, 1, 1, 7, 5, true)]   // mid-epoch checkpoint on disk
    [InlineData(ExecutionMode.Pipeline, FaultKind.NaN, 0, 0, 9, 0, false)]    // in-memory store, before the first checkpoint
    [InlineData(ExecutionMode.Sequential, FaultKind.NaN, 2, 1, 3, 0, true)]   // epoch-end checkpoint
    public void A_failed_layer_is_stopped_restored_and_the_run_ends_where_an_uninterrupted_run_ends(
        ExecutionMode mode, FaultKind kind, int layer, int epoch, int batch, int every, bool onDisk)
    {
        var config = Mnist.Config(epochs: 2, batch: 50, train: 600);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(mode, every: every);
        var whole = PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None);
        using var wholeNet = whole.Network;

        var fault = new FaultInjection(layer, epoch, batch, kind);
        var faulted = PipelineRunner.Train(config, runtime, data, onDisk ? TempFolder.New() : null, false, null,
            CancellationToken.None, new RuntimeHooks { Fault = fault });
        using var faultedNet = faulted.Network;
        foreach (var line in faulted.Log) output.WriteLine(line);

        Assert.Equal(1, fault.Fired);
        Assert.True(faulted.Completed);
        var entry = Assert.Single(faulted.Log, l => l.Contains($"layer {layer} failed"));
        Assert.Contains($"epoch {epoch + 1} batch {batch}", entry);
        Assert.Contains(kind == FaultKind.Throw ? "injected fault" : "non-finite", entry);
        Assert.Contains("Restoring every layer from", entry);
        Weights.AssertSame(wholeNet, faultedNet, "recovered vs uninterrupted");
        Assert.Equal(2, faulted.Metrics.Count);
    }

    [Fact]
    public void With_checkpoints_off_a_fault_restarts_from_the_initial_state()
    {
        var config = Mnist.Config(epochs: 1, train: 300);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false);
        using var whole = PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None).Network;
        var r = PipelineRunner.Train(config, runtime, data, null, false, null, CancellationToken.None,
            new RuntimeHooks { Fault = new FaultInjection(1, 0, 4) });
        using var net = r.Network;
        Assert.Contains(r.Log, l => l.Contains("the initial state"));
        Weights.AssertSame(whole, net, "restarted vs uninterrupted");
    }

    [Theory]
    [InlineData(FaultKind.Throw, PipelineFault.LayerFailing)]
    [InlineData(FaultKind.NaN, PipelineFault.Diverged)]
    public void A_layer_that_keeps_failing_ends_the_run_with_an_error_of_its_kind(FaultKind fault, PipelineFault expected)
    {
        var config = Mnist.Config(epochs: 1, train: 300);
        using var data = Mnist.Load(config);
        var e = Assert.Throws<PipelineFaultException>(() => PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline), data,
            null, false, null, CancellationToken.None, new RuntimeHooks { Fault = new FaultInjection(0, 0, 2, fault, times: 100) }));
        Assert.Contains("keeps failing", e.Message);
        Assert.Equal(expected, e.Kind);
        Assert.Equal(3, e.RunLog.Count(l => l.Contains("Restoring every layer")));
    }

    [Theory]
    [InlineData(ExecutionMode.Pipeline)]
    [InlineData(ExecutionMode.Sequential)]
    public void A_batch_lost_on_the_way_to_a_layer_ends_the_run_as_stalled_naming_the_batch(ExecutionMode mode)
    {
        var config = Mnist.Config(epochs: 1, batch: 50, train: 600);
        using var data = Mnist.Load(config);
        var runtime = RuntimeSupport.Runtime(mode) with { StallTimeout = 1 };
        var drop = new FaultInjection(1, 0, 4, FaultKind.Drop);
        var e = Assert.Throws<PipelineFaultException>(() => PipelineRunner.Train(config, runtime, data, null, false, null,
            CancellationToken.None, new RuntimeHooks { Fault = drop }));
        output.WriteLine(e.Message);
        Assert.Equal(1, drop.Fired);
        Assert.Equal(PipelineFault.Stalled, e.Kind);
        Assert.StartsWith("runtime.stall-timeout: nothing reached the coordinator for", e.Message);
        // Every later batch reached layer 1 (the epoch's 12 batches: 0–11), so batch 4 is what the run waits for.
        Assert.EndsWith("while training: layer 1 has not stepped batch 4 of epoch 1 (it stepped up to batch 11)", e.Message);
        Assert.Contains(e.RunLog, l => l.EndsWith(e.Message));
    }
}
