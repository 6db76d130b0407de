using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>
/// A training step whose forward half is done (<see cref="LayerTrainer.Begin"/>): the layer's output
/// and statistics, from the weights before the update, and the loss the update will follow
/// (<see cref="LayerTrainer.Finish"/>; null when the layer is outside its ILT window). Its tensors
/// belong to the caller's dispose scope.
/// </summary>
/// <param name="Dense">A learning dense layer's inputs and activities for its explicit backward (null for other layers).</param>
public sealed record PendingStep(LayerOutput Output, LayerStepStats Stats, Tensor? Loss, DenseActivity? Dense = null);
