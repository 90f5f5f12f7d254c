using AlpacaFarm.Evaluation.Annotators;

namespace AlpacaFarm.Judges.Prompts;

/// <summary>Worked examples shown before the pairs (the project's own), alternating which side is better.</summary>
public static class InContextExamples
{
    public sealed record Example(PairToJudge Pair, bool FirstIsBetter);

    public static IReadOnlyList<Example> All { get; } =
    [
        new(new PairToJudge("Name three primary colours.", "Red, blue and yellow.", "Colours are nice. Green."), true),
        new(new PairToJudge("What is 12 times 3?", "It is 34.", "12 × 3 = 36."), false),
        new(new PairToJudge("Give one tip for sleeping better.", "Keep a regular bedtime, even at weekends.",
            "I cannot help with that request."), true),
        new(new PairToJudge("Translate 'thank you' into French.", "Gracias.", "Merci."), false),
        new(new PairToJudge("Write a haiku about rain.", "Soft rain on the roof\nthe gutters hum a low song\nnight breathes out the heat",
            "Rain is water that falls from clouds when droplets grow heavy enough to overcome updrafts."), true),
        new(new PairToJudge("Summarise: 'The meeting moved from Monday to Wednesday at 10.'", "The meeting is on Monday.",
            "The meeting moved to Wednesday at 10."), false),
    ];
}
