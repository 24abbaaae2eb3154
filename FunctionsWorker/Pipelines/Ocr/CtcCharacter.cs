namespace FunctionsWorker.Pipelines.Ocr;

/// <summary>
/// One character kept by CTC decoding: its text, the time steps its run of repeats covers and its best probability at
/// the first of them. <see cref="SpaceBefore"/> is the highest probability the model gave the space class from the
/// previous kept character's first step to this one's last: the model's own, often sub-threshold, hint that a word
/// break lies between them (0 for the first character).
/// </summary>
internal readonly record struct CtcCharacter(string Text, int FirstStep, int LastStep, float Probability, float SpaceBefore = 0f)
{
    /// <summary>The middle of the run, in time steps (a half step is the centre of a single step).</summary>
    public float Centre => (FirstStep + LastStep + 1) / 2f;
}
