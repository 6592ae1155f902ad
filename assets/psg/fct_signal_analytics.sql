-- EEG spectral profile per subject and sleep stage, over all nights and EEG channels: epochs scored in the
-- stage, channel-epochs averaged, and the mean relative power per band (nulls — bands above Nyquist — skipped).
-- Means of doubles are taken in a fixed order (`order by` inside the aggregate): summed in whatever order DuckDB's
-- threads finish, their last bits would differ between runs, and so would the Parquet file's bytes.
with features as (
    select * from {{ ref('stg_signal_features') }}
),

final as (
    select
        subject_id,
        stage,
        count(distinct (night, recording_id, epoch))   as epochs,
        count(*)                                       as channel_epochs,
        count(distinct channel)                        as channels,
        avg(delta_rel order by night, recording_id, epoch, channel)                                 as mean_delta_rel,
        avg(theta_rel order by night, recording_id, epoch, channel)                                 as mean_theta_rel,
        avg(alpha_rel order by night, recording_id, epoch, channel)                                 as mean_alpha_rel,
        avg(sigma_rel order by night, recording_id, epoch, channel)                                 as mean_sigma_rel,
        avg(beta_rel order by night, recording_id, epoch, channel)                                  as mean_beta_rel,
        avg(gamma_rel order by night, recording_id, epoch, channel)                                 as mean_gamma_rel,
        avg(total_power order by night, recording_id, epoch, channel)                               as mean_total_power
    from features
    group by subject_id, stage
)

select * from final
order by subject_id, stage
