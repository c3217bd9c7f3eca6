from django.db import migrations


class Migration(migrations.Migration):
    """Step 3 of 3: the plan's payee is the line's receiver (filled in 0004)."""

    dependencies = [
        ('funding', '0004_fill_funding_line_receiver'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalpaymentplan',
            name='payee',
        ),
        migrations.RemoveField(
            model_name='paymentplan',
            name='payee',
        ),
    ]
