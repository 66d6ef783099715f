import { PageHeader } from '../../../components/Layout';
export default function SettingsPage() {
  return <PageHeader title="SettingsPage" />;
}
