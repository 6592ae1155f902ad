-- The daily health metrics per user and day: the summary plus sleep efficiency = minutes asleep / minutes in bed
-- (a ratio 0–1; null without a sleep record or with no time in bed, since 0 / 0 says nothing), minutes awake in bed
-- and hours asleep.
with summary as (
    select * from {{ ref('daily_user_summary') }}
),

final as (
    select
        *,
        minutes_asleep / nullif(minutes_in_bed, 0)   as sleep_efficiency,
        minutes_in_bed - minutes_asleep              as minutes_awake_in_bed,
        minutes_asleep / 60                          as hours_asleep
    from summary
)

select * from final
order by user_id, activity_date
