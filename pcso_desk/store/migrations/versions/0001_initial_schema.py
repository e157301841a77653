"""Initial schema: every record type PCSO Desk keeps, each with its sync columns.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 16:34:18.823300
"""

from alembic import op

from pcso_desk.store.migrations.initial_schema import part_one, part_two


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    part_one.create()
    part_two.create()


def downgrade() -> None:
    with op.batch_alter_table('victim_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_victim_contacts_contacted_at'))
        batch_op.drop_index(batch_op.f('ix_victim_contacts_case_id'))

    op.drop_table('victim_contacts')
    with op.batch_alter_table('kin_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kin_checkins_member_id'))
        batch_op.drop_index(batch_op.f('ix_kin_checkins_checked_on'))

    op.drop_table('kin_checkins')
    with op.batch_alter_table('victim_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_victim_cases_ward_id'))
        batch_op.drop_index(batch_op.f('ix_victim_cases_victim_id'))
        batch_op.drop_index(batch_op.f('ix_victim_cases_officer_id'))
        batch_op.drop_index(batch_op.f('ix_victim_cases_next_contact_due'))
        batch_op.drop_index(batch_op.f('ix_victim_cases_crime_reference'))

    op.drop_table('victim_cases')
    with op.batch_alter_table('priority_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_actions_priority_id'))

    op.drop_table('priority_actions')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_responded_at'))
        batch_op.drop_index(batch_op.f('ix_messages_received_at'))
        batch_op.drop_index(batch_op.f('ix_messages_neighbourhood_id'))
        batch_op.drop_index(batch_op.f('ix_messages_contact_id'))

    op.drop_table('messages')
    with op.batch_alter_table('kin_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kin_members_next_checkin_due'))
        batch_op.drop_index(batch_op.f('ix_kin_members_kin_id'))
        batch_op.drop_index(batch_op.f('ix_kin_members_contact_id'))

    op.drop_table('kin_members')
    with op.batch_alter_table('engagement_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_contacts_engagement_id'))
        batch_op.drop_index(batch_op.f('ix_engagement_contacts_contact_id'))

    op.drop_table('engagement_contacts')
    op.drop_table('users')
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priorities_ward_id'))
        batch_op.drop_index(batch_op.f('ix_priorities_review_on'))
        batch_op.drop_index(batch_op.f('ix_priorities_neighbourhood_id'))

    op.drop_table('priorities')
    with op.batch_alter_table('patrol_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_sessions_ward_id'))
        batch_op.drop_index(batch_op.f('ix_patrol_sessions_starts_at'))
        batch_op.drop_index(batch_op.f('ix_patrol_sessions_officer_id'))

    op.drop_table('patrol_sessions')
    with op.batch_alter_table('officer_wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officer_wards_ward_id'))
        batch_op.drop_index(batch_op.f('ix_officer_wards_officer_id'))

    op.drop_table('officer_wards')
    with op.batch_alter_table('meeting_wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_wards_ward_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_wards_meeting_id'))

    op.drop_table('meeting_wards')
    with op.batch_alter_table('meeting_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_officers_officer_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_officers_meeting_id'))

    op.drop_table('meeting_officers')
    with op.batch_alter_table('lsoa_wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lsoa_wards_ward_id'))

    op.drop_table('lsoa_wards')
    with op.batch_alter_table('kins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kins_ward_id'))
        batch_op.drop_index(batch_op.f('ix_kins_neighbourhood_id'))

    op.drop_table('kins')
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagements_ward_id'))
        batch_op.drop_index(batch_op.f('ix_engagements_officer_id'))
        batch_op.drop_index(batch_op.f('ix_engagements_occurred_at'))

    op.drop_table('engagements')
    with op.batch_alter_table('crime_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_records_ward_id'))
        batch_op.drop_index(batch_op.f('ix_crime_records_month'))
        batch_op.drop_index(batch_op.f('ix_crime_records_lsoa_code'))
        batch_op.drop_index(batch_op.f('ix_crime_records_crime_id'))

    op.drop_table('crime_records')
    with op.batch_alter_table('crime_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crime_counts_ward_id'))
        batch_op.drop_index(batch_op.f('ix_crime_counts_month'))

    op.drop_table('crime_counts')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_ward_id'))
        batch_op.drop_index(batch_op.f('ix_contacts_review_date'))
        batch_op.drop_index(batch_op.f('ix_contacts_postcode'))
        batch_op.drop_index(batch_op.f('ix_contacts_phone'))
        batch_op.drop_index(batch_op.f('ix_contacts_name'))
        batch_op.drop_index(batch_op.f('ix_contacts_email'))

    op.drop_table('contacts')
    with op.batch_alter_table('abstractions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abstractions_starts_at'))
        batch_op.drop_index(batch_op.f('ix_abstractions_officer_id'))

    op.drop_table('abstractions')
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wards_neighbourhood_id'))

    op.drop_table('wards')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officers_neighbourhood_id'))

    op.drop_table('officers')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meetings_neighbourhood_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('neighbourhoods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_neighbourhoods_district_id'))

    op.drop_table('neighbourhoods')
    op.drop_table('councils')
    op.drop_table('store_meta')
    op.drop_table('police_stations')
    op.drop_table('districts')
