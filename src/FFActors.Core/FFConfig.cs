using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;

namespace FFActors.Core;

/// <summary>A whole run's configuration, bound from HOCON by the CLI.</summary>
public sealed record FFConfig(RunOptions Run, DataOptions Data, ModelOptions Model, TrainOptions Train, EvalOptions Eval);
