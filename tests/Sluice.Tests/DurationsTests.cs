using Sluice.Migrations.Plans;

namespace Sluice.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("200ms", 200)]
    [InlineData("1s", 1000)]
    [InlineData("30m", 30 * 60_000)]
    [InlineData("2h", 2 * 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1h30m", 90 * 60_000)]
    [InlineData("0s", 0)]
    public void Durations_parse(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
        Assert.Equal(text == "0s" ? "0s" : text, Durations.Format(duration));
    }

    [Theory]
    [InlineData("2 hours")]
    [InlineData("2")]
    [InlineData("h")]
    [InlineData("-1s")]
    [InlineData("1.5h")]
    [InlineData("1y")]
    [InlineData("")]
    [InlineData("1s garbage")]
    public void Other_text_does_not_parse(string text) => Assert.False(Durations.TryParse(text, out _));
}
