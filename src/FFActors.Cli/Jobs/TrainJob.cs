using System.Diagnostics;
using FFActors.Cli.Output;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using FFActors.Runtime;

namespace FFActors.Cli.Jobs;

/// <summary>What one training job produced: the outcome of training and, when it completed, its evaluation.</summary>
public sealed record TrainJobResult(PipelineResult Outcome, EvaluationResult? Evaluation, double TrainSeconds, double TotalSeconds);

/// <summary>
/// The body of <c>ffactors train</c> without the console: train (greedy in-process, otherwise
/// through the actor runtime), evaluate, and write the run folder. The experiment runner calls
/// the same code for every FF arm.
/// </summary>
public sealed class TrainJob(FFConfig config, RuntimeOptions runtime)
{
    public bool Greedy => config.Train.Schedule == Schedule.Greedy;

    public string How => Greedy ? "greedy (in-process)" : $"simultaneous, {runtime.Mode.ToString().ToLowerInvariant()} mode";

    /// <summary>Trains only; the caller owns the returned network.</summary>
    public PipelineResult Train(DataSplits data, RunFolder run, bool resume, ITrainingObserver observer, CancellationToken cancel)
    {
        if (!Greedy)
            return PipelineRunner.Train(config, runtime, data, run.Path, resume, observer, cancel, evaluate: true);
        var net = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, data.Train.Images.device);
        var metrics = new FFTrainer(config, observer).Train(net, data);
        return new PipelineResult(metrics, net, Completed: true, Log: []);
    }

    /// <summary>Writes metrics and log; when training completed, evaluates (unless the runtime did) and writes weights, results.json and curves.png.</summary>
    public TrainJobResult Finish(DataSplits data, RunFolder run, PipelineResult outcome, Stopwatch clock, Action? beforeEvaluation = null)
    {
        double trainSeconds = clock.Elapsed.TotalSeconds;
        run.WriteMetrics(outcome.Metrics);
        if (outcome.Log.Count > 0) run.AppendLog(outcome.Log);
        if (!outcome.Completed) return new TrainJobResult(outcome, null, trainSeconds, clock.Elapsed.TotalSeconds);

        EvaluationResult result;
        if (outcome.Evaluation is { } e)
        {
            result = e;
        }
        else
        {
            beforeEvaluation?.Invoke();
            result = Evaluator.Evaluate(outcome.Network, data.Train, data.Test, new LabelOverlay(config.Model.LabelValue), config.Eval, config.Run.Seed);
        }
        run.WriteWeights(outcome.Network);
        run.WriteResults(new
        {
            dataset = config.Data.Dataset,
            seed = config.Run.Seed,
            layers = config.Model.Layers,
            schedule = config.Train.Schedule.ToString().ToLowerInvariant(),
            mode = Greedy ? "in-process" : runtime.Mode.ToString().ToLowerInvariant(),
            epochs = config.Train.Epochs,
            test_samples = data.Test.Count,
            goodness_accuracy = result.GoodnessAccuracy,
            score_layers = result.ScoreLayers,
            head_accuracy = double.IsNaN(result.HeadAccuracy) ? (double?)null : result.HeadAccuracy,
            head_layers = result.HeadLayers,
            train_seconds = trainSeconds,
            eval_seconds = result.Seconds,
            total_seconds = clock.Elapsed.TotalSeconds,
        });
        MetricsChart.Save(run.File("curves.png"), outcome.Metrics, $"{config.Data.Dataset} [{string.Join("-", config.Model.Layers)}] {How}");
        return new TrainJobResult(outcome, result, trainSeconds, clock.Elapsed.TotalSeconds);
    }
}
