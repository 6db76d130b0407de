using FFActors.Core.Evaluation;
using FFActors.Runtime;

namespace FFActors.Cli.Jobs;

/// <summary>What one training job produced: the outcome of training and, when it completed, its evaluation and final figures.</summary>
public sealed record TrainJobResult(PipelineResult Outcome, EvaluationResult? Evaluation, double TrainSeconds, double TotalSeconds, RunResults? Figures);
