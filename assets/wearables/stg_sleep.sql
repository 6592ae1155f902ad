-- Sleep totals per user and day (the day Fitbit dates a sleep to: the day it ends), typed and named.
-- Real exports repeat some rows exactly (sleepDay_merged.csv has three such pairs); a user-day is kept once. When
-- two rows of a user-day differ (overlapping exports), the most complete wins: most time in bed, then most minutes
-- asleep, then the last file and line.
with sleep as (
    select * from {{ ref('raw_fitbit_sleep_day') }}
),

typed as (
    select
        trim(id)               as user_id,
        sleep_day              as sleep_date,
        total_sleep_records    as sleep_records,
        total_minutes_asleep   as minutes_asleep,
        total_time_in_bed      as minutes_in_bed,
        source_file,
        source_line
    from sleep
),

final as (
    select
        *,
        (count(*) over (partition by user_id, sleep_date))::integer as source_rows
    from typed
    qualify row_number() over (
        partition by user_id, sleep_date
        order by minutes_in_bed desc, minutes_asleep desc, source_file desc, source_line desc
    ) = 1
)

select
    user_id, sleep_date, sleep_records, minutes_asleep, minutes_in_bed, source_rows, source_file, source_line
from final
order by user_id, sleep_date
