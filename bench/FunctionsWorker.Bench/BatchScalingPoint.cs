namespace FunctionsWorker.Bench;

/// <summary>One model run alone at <see cref="Rows"/> rows of one shape: what a merged run costs per row on this device.</summary>
internal sealed record BatchScalingPoint(string Model, string Shape, int Rows, double MedianMs, double PerRowMs);
